"""``Module``: anything that owns named parameters (``Value`` leaves).

Parameter names (also the parameters' labels, so drawings and the training
ledger say the same thing) are given by the modules themselves: a ``Neuron``
names its own (``w1, w2, ..., b``); a module made of children
(``children()``) lists its children's names as they are. If two *different*
parameters of its children would share a name (two unnamed neurons, two
MLPs), each child's names are prefixed by its position instead:
``m1.w1, m1.b, m2.w1, m2.b``. Name the children (``Neuron(1, name="h1")``)
to keep readable names; the labels of the parameters are the children's own
names either way.

``rename_parameters`` gives them other names; the articles' network (see
``nn.statquest``) is an ``MLP(1, [2, 1])`` renamed to ``w1, b1, w2, b2, w3, w4, b3``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine import Value
from nn.checks import check_assignments, check_renames, check_unique_names, clashing_name, unknown_parameter
from nn.public import CALLER, public

__all__ = ["Module"]


class Module:
    """Base class: anything that owns named parameters (``Value`` leaves).

    Subclasses override ``named_parameters`` (and ``children`` when they hold
    other modules); everything else here works from those two. A module that
    names its own parameters and can rename them (``Neuron``) also overrides
    ``_own_names`` and ``_set_own_names``.
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``[(name, parameter), ...]`` in a fixed order (weights before bias, neuron by neuron).

        The children's parameters, child by child; when two different
        parameters of the children would share a name, child ``k``'s names are
        prefixed ``m<k>.`` (``m1.w1``, ``m2.w1``). A child listed twice (shared
        weights) gives its parameters once.
        """
        groups = [child.named_parameters() for child in self.children()]
        if clashing_name([pair for group in groups for pair in group]) is not None:
            groups = [[(f"m{k}.{n}", p) for n, p in group] for k, group in enumerate(groups, start=1)]
        params: list[tuple[str, Value]] = []
        seen: set[Value] = set()
        for group in groups:
            for n, p in group:
                if p not in seen:
                    seen.add(p)
                    params.append((n, p))
        return params

    def children(self) -> list[Module]:
        """The modules directly inside this one (none for a ``Neuron``)."""
        return []

    def parameters(self) -> list[Value]:
        """The parameters, in the order of ``named_parameters()``."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0, before the next ``backward()``."""
        for p in self.parameters():
            p.grad = 0.0

    @public("parameter")
    def parameter(self, name: str) -> Value:
        """The parameter called ``name``; ``ValueError`` listing the names if there is none."""
        for n, p in self._named_once():
            if n == name:
                return p
        raise unknown_parameter(name, self._parameter_names())

    @public("parameter_values")
    def parameter_values(self) -> dict[str, float]:
        """``{name: data}`` for every parameter, e.g. to save or print a state.

        ``ValueError`` if two different parameters share a name (a dict would keep one of them).
        """
        return {n: p.data for n, p in self._named_once()}

    @public("set_parameters")
    def set_parameters(self, values: Mapping[str, float]) -> None:
        """Set the parameters named in ``values`` (others keep their values).

        Every name and number is checked before anything changes: an unknown
        name is a ``ValueError`` listing the model's names; a value that is not
        a real number is a ``TypeError``; a non-finite one is a ``ValueError``.
        """
        for param, number in check_assignments(values, self._named_once()):
            param.data = number

    @public("rename_parameters")
    def rename_parameters(self, names: Mapping[str, str]) -> None:
        """Rename parameters: ``{old_name: new_name}``; the labels follow.

        Unknown old names and names that would then be used twice are a
        ``ValueError``; nothing is renamed in that case.
        """
        after = check_renames(names, self._parameter_names())
        modules = self._modules()
        before = [m._own_names() for m in modules]
        for module, old_names in zip(modules, before):
            module._set_own_names([names.get(n, n) for n in old_names])
        if [n for n, _ in self.named_parameters()] != after:
            # A custom Module names its parameters itself in named_parameters(),
            # or tells its children apart by position: put the names back.
            for module, old_names in zip(modules, before):
                module._set_own_names(old_names)
            raise TypeError(
                f"{CALLER}: {type(self).__name__} does not support renaming;"
                " change the names its named_parameters() returns, or rename (or name)"
                " its child modules, e.g. Neuron(1, name='h1')"
            )

    def _parameter_names(self) -> list[str]:
        return [n for n, _ in self.named_parameters()]

    def _named_once(self) -> list[tuple[str, Value]]:
        """``named_parameters()``, or a ``ValueError`` if two different parameters share a name."""
        return check_unique_names(self.named_parameters(), type(self).__name__)

    def _own_names(self) -> list[str]:
        """The names this module gives its own parameters (not its children's); none here."""
        return []

    def _set_own_names(self, names: Sequence[str]) -> None:
        """Rename this module's own parameters, in the order of ``_own_names()``; none here."""

    def _modules(self) -> list[Module]:
        """This module and every module inside it, each once, parents first."""
        out: list[Module] = []
        pending: list[Module] = [self]
        while pending:
            module = pending.pop()
            if all(module is not m for m in out):
                out.append(module)
                pending.extend(reversed(module.children()))
        return out

