"""Build a sympy expression from a parsed formula's Node tree.

sympy is never imported here: :meth:`gdviz.core.expression.Formula.to_sympy` imports it
and hands the module in, so parsing and evaluating a formula never load it.
"""

from __future__ import annotations

from fractions import Fraction

from gdviz.core.expression_language import Node

_EXACT_EXPONENT = 64  # larger exponents become floats in sympy, which keeps it fast


class _Sym:
    """Build a sympy expression from a Node tree.

    sympy expands powers of products exactly ((2x)^n gives 2^n x^n, and exp(n log(2x))
    gives (2x)^n), so ``scale`` tracks the exact exponent applied from above; exponents
    past ``_EXACT_EXPONENT`` become floats, which keeps sympy's numbers small.
    """

    def __init__(self, sympy) -> None:
        self.sp = sympy
        self.x, self.y = sympy.symbols("x y", real=True)
        sp = sympy
        self.functions = {
            "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "asin": sp.asin, "acos": sp.acos,
            "atan": sp.atan, "atan2": sp.atan2, "sinh": sp.sinh, "cosh": sp.cosh,
            "tanh": sp.tanh, "log": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs,
            "min": sp.Min, "max": sp.Max,
        }  # fmt: skip

    def build(self, node: Node, scale: float):
        sp = self.sp
        if node.kind == "num":
            exact = Fraction(node.text)
            return sp.Rational(exact.numerator, exact.denominator)
        if node.kind == "name":
            return {"x": self.x, "y": self.y, "pi": sp.pi, "e": sp.E}[node.text]
        if node.kind == "^":
            exponent = self.build(node.args[1], 1)
            if exponent.is_Number and abs(exponent) * scale > _EXACT_EXPONENT:
                exponent = sp.Float(exponent)
            inner = scale * max(1, abs(exponent)) if exponent.is_Rational else scale
            base = self.build(node.args[0], inner)
            return self.exp(exponent, scale) if base == sp.E else base**exponent
        args = [self.build(arg, scale) for arg in node.args]
        if node.kind == "call" and node.text == "exp":
            return self.exp(args[0], scale)
        if node.kind == "call":
            return self.functions[node.text](*args)
        if node.kind == "neg":
            return -args[0]
        left, right = args
        if node.kind == "+":
            return left + right
        if node.kind == "-":
            return left - right
        return left * right if node.kind == "*" else left / right

    def exp(self, argument, scale: float):
        """exp(argument), with large exact multiples of a log turned into floats."""
        sp = self.sp
        terms = []
        for term in sp.Add.make_args(argument):
            coeff, rest = term.as_coeff_Mul()
            if coeff.is_Rational and rest.has(sp.log) and abs(coeff) * scale > _EXACT_EXPONENT:
                term = sp.Float(coeff) * rest
            terms.append(term)
        return sp.exp(sp.Add(*terms))
