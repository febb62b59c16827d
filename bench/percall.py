"""
What deciding at each call costs, for the DEP: per-call detection as Django
writes it by hand against the series' declared variants, with nothing
overridden.

    python3 -m series materialize    # once: builds tree/
    PYTHONPATH=tree python3 bench/percall.py [--calls 200000] [--repeat 7]

Each owner has a sync method and its async variant that return their argument,
and is called through a subclass that overrides nothing, as a model is:

* plain: no detection at all, the baseline;
* __func__ test: the async variant runs a sync override first when there is
  one, as BaseCache.aget_many() and the series' independent fixes do
  (self.get_many.__func__ is not BaseCache.get_many);
* two-sided test: the same, unless the async variant is overridden too, and
  in both directions, as Django 5.2's RemoteUserMiddleware.__acall__() did;
* @async_variant: the series' declaration (django.utils.variants), a pair of
  a model's kind, and one of an interface's kind (optional=True).

It prints nanoseconds per call, the best of the repeats, and the difference
with the baseline. Times, not instructions: they vary with the machine and its
load, so compare the rows of one run only.
"""

import argparse
import asyncio
import time

from asgiref.sync import async_to_sync, sync_to_async


class Plain:
    def work(self, value):
        return value

    async def awork(self, value):
        return value


class FuncTest:
    def work(self, value):
        return value

    async def awork(self, value):
        if self.work.__func__ is not FuncTest.work:
            return await sync_to_async(self.work)(value)
        return value


class TwoSided:
    def work(self, value):
        klass = type(self)
        if klass.awork is not TwoSided.awork and klass.work is TwoSided.work:
            return async_to_sync(self.awork)(value)
        return value

    async def awork(self, value):
        klass = type(self)
        if klass.work is not TwoSided.work and klass.awork is TwoSided.awork:
            return await sync_to_async(self.work)(value)
        return value


def declared(optional):
    from django.utils.variants import async_variant

    class Declared:
        def work(self, value):
            return value

        @async_variant(optional=optional)
        async def awork(self, value):
            return value

    return Declared


def best(measure, repeat):
    return min(measure() for _ in range(repeat))


def sync_ns(obj, calls):
    def measure():
        work = obj.work
        start = time.perf_counter_ns()
        for _ in range(calls):
            work(1)
        return (time.perf_counter_ns() - start) / calls

    return measure


def async_ns(obj, calls):
    async def loop():
        awork = obj.awork
        start = time.perf_counter_ns()
        for _ in range(calls):
            await awork(1)
        return (time.perf_counter_ns() - start) / calls

    return lambda: asyncio.run(loop())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    owners = [
        ("plain", Plain),
        ("__func__ test", FuncTest),
        ("two-sided test", TwoSided),
        ("@async_variant", declared(optional=False)),
        ("@async_variant(optional=True)", declared(optional=True)),
    ]
    rows = []
    for name, owner in owners:
        # A subclass that overrides nothing, as a project's model is.
        obj = type("Sub", (owner,), {})()
        rows.append(
            (
                name,
                best(sync_ns(obj, args.calls), args.repeat),
                best(async_ns(obj, args.calls), args.repeat),
            )
        )
    _, sync_base, async_base = rows[0]
    print(f"ns per call, best of {args.repeat} x {args.calls:,} calls")
    print(f"{'owner':32}{'sync':>8}{'+':>8}{'async':>8}{'+':>8}")
    for name, sync, asynchronous in rows:
        print(
            f"{name:32}{sync:8.0f}{sync - sync_base:+8.0f}"
            f"{asynchronous:8.0f}{asynchronous - async_base:+8.0f}"
        )


if __name__ == "__main__":
    main()
