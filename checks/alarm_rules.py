"""A composite alarm's AlarmRule, read for the alarms whose ALARM state can set it off.

The rule language (CloudWatch's PutCompositeAlarm reference): ALARM(x), OK(x) and
INSUFFICIENT_DATA(x) of an alarm named by name or ARN (quoted or not), TRUE and FALSE,
AT_LEAST(n or n%, STATE, (x, y, ...)), combined with AND, OR, NOT and parentheses.

An alarm "sets off" the composite when it appears as ALARM(x), or in an AT_LEAST over ALARM,
under an even number of NOTs: its going into ALARM pushes the composite toward ALARM. OK(x),
INSUFFICIENT_DATA(x) and a NOT ALARM(x) (a suppressor, say) do not page anyone for x.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STATES = ("ALARM", "OK", "INSUFFICIENT_DATA")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<quoted>"(?:[^"\\]|\\.)*")
      | (?P<punct>[(),])
      | (?P<word>[^\s(),"]+)
    )""",
    re.VERBOSE,
)


class RuleError(ValueError):
    """An AlarmRule that does not follow the documented grammar."""


@dataclass(frozen=True)
class _Token:
    kind: str  # "quoted", "punct" or "word"
    text: str


def _tokens(rule: str) -> list[_Token]:
    tokens: list[_Token] = []
    at = 0
    while at < len(rule):
        if rule[at:].strip() == "":
            break
        match = _TOKEN.match(rule, at)
        if match is None or match.end() == at:
            raise RuleError(f"cannot read the rule at position {at}")
        kind = match.lastgroup or "word"
        text = match.group(kind)
        if kind == "quoted":
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        tokens.append(_Token(kind, text))
        at = match.end()
    return tokens


class _Parser:
    def __init__(self, rule: str) -> None:
        self.tokens = _tokens(rule)
        self.at = 0
        self.triggers: set[str] = set()

    def _peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _keyword(self, *words: str) -> str | None:
        token = self._peek()
        if token is not None and token.kind == "word" and token.text.upper() in words:
            self.at += 1
            return token.text.upper()
        return None

    def _expect(self, text: str) -> None:
        token = self._peek()
        if token is None or token.kind != "punct" or token.text != text:
            raise RuleError(f"expected {text!r} at token {self.at}")
        self.at += 1

    def _name(self) -> str:
        token = self._peek()
        if token is None or token.kind == "punct":
            raise RuleError(f"expected an alarm name or ARN at token {self.at}")
        self.at += 1
        return token.text

    def parse(self) -> set[str]:
        self._or(positive=True)
        if self._peek() is not None:
            raise RuleError(f"unexpected {self.tokens[self.at].text!r} at token {self.at}")
        return self.triggers

    def _or(self, positive: bool) -> None:
        self._and(positive)
        while self._keyword("OR"):
            self._and(positive)

    def _and(self, positive: bool) -> None:
        self._unary(positive)
        while self._keyword("AND"):
            self._unary(positive)

    def _unary(self, positive: bool) -> None:
        if self._keyword("NOT"):
            self._unary(not positive)
            return
        token = self._peek()
        if token is not None and token.kind == "punct" and token.text == "(":
            self.at += 1
            self._or(positive)
            self._expect(")")
            return
        if self._keyword("TRUE", "FALSE"):
            return
        state = self._keyword(*_STATES)
        if state is not None:
            self._expect("(")
            name = self._name()
            self._expect(")")
            if state == "ALARM" and positive:
                self.triggers.add(name)
            return
        if self._keyword("AT_LEAST"):
            self._at_least(positive)
            return
        raise RuleError(f"expected a state function, TRUE, FALSE or '(' at token {self.at}")

    def _at_least(self, positive: bool) -> None:
        self._expect("(")
        threshold = self._name()
        if not re.fullmatch(r"\d+%?", threshold):
            raise RuleError(f"AT_LEAST threshold {threshold!r} is not a count or percentage")
        self._expect(",")
        state = self._keyword(*_STATES, "NOT_ALARM", "NOT_OK", "NOT_INSUFFICIENT_DATA")
        if state is None:
            raise RuleError(f"expected an alarm state at token {self.at}")
        self._expect(",")
        self._expect("(")
        names = [self._name()]
        while self._peek() == _Token("punct", ","):
            self.at += 1
            names.append(self._name())
        self._expect(")")
        self._expect(")")
        if positive and state == "ALARM":
            self.triggers.update(names)


def alarm_triggers(rule: str) -> set[str]:
    """The alarm names and ARNs whose ALARM state can set off a composite with this rule.

    Raises RuleError when the rule does not follow the documented grammar."""
    return _Parser(rule).parse()
