from django.db import models
from treebeard.al_tree import AL_Node
from treebeard.mp_tree import MP_Node
from treebeard.ns_tree import NS_Node


class MPNode(MP_Node):
    title = models.CharField(max_length=50)
    steplen = 2


class NSNode(NS_Node):
    title = models.CharField(max_length=50)


class ALNode(AL_Node):
    title = models.CharField(max_length=50)
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, related_name="children_set"
    )
    sib_order = models.PositiveIntegerField()
