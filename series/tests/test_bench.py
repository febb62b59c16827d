import ast
import importlib.util
import unittest

from series import bench


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class WorkerTests(unittest.TestCase):
    def test_workers_import_nothing_private_of_django(self):
        """
        The workers run on stock Django and on any build of the series: they
        import no private name, and names of django.utils.variants, the
        series' public helpers, only where stock Django lacks them.
        """
        for path in bench.WORKERS:
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                    names = []
                elif isinstance(node, ast.ImportFrom):
                    modules = [node.module]
                    names = [alias.name for alias in node.names]
                else:
                    continue
                for module in modules:
                    if not module.startswith("django"):
                        continue
                    with self.subTest(path=path.name, module=module):
                        self.assertNotEqual(module, "django.utils.twins")
                        self.assertFalse(
                            any(part.startswith("_") for part in module.split("."))
                        )
                        self.assertFalse(any(name.startswith("_") for name in names))

    def test_project_has_200_concrete_models(self):
        project = load(bench.WORKERS[1])
        tree = ast.parse(project.models_source())
        classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
        items = [node.name for node in classes if node.name.startswith("Item")]
        self.assertEqual(len(items), 200)
        self.assertEqual(len(set(items)), 200)
        # Overrides of the model methods in the models' own bodies.
        defined = {
            item.name
            for node in classes
            if node.name.startswith("Item")
            for item in node.body
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        self.assertLessEqual({"save", "delete", "asave"}, defined)
