"""Completion candidates made inert for each shell's completion script (DESIGN section 12).

Model and version names come from the repository, so a teammate's commit chooses them. typer's
zsh format leaves ``\\`` unescaped, and zsh evaluates the candidate list twice (``eval
$(...)`` in the script, then ``_arguments`` evaluates its ``((...))`` list again): three
committed names ``a\\``, ``<(touch X)``, ``c\\`` ran ``touch X`` on Tab. Here each candidate
is escaped for the exact path it takes:

- zsh: ``eval $(...)`` splits the output at white space and joins it with one space, then
  parses ``_arguments '*: :((...))'``; inside those single quotes ``_arguments`` evaluates the
  list as words. Each candidate is one double-quoted word of that list with ``$``, backtick,
  ``\\`` and ``"`` backslash-escaped, ``'`` written so it survives the outer single quotes,
  and each space outside the double quotes (so the first split cannot merge two into one);
  zsh quotes it again when inserting it.
- bash: the script assigns ``COMPREPLY=( $(...) )`` one candidate per line and bash inserts
  a candidate as it is, so each is escaped as ``printf %q`` would (``x;y`` becomes
  ``x\\;y``): inserting it never adds a second command to the line.
- fish: one candidate per line (typer's format is kept) and fish escapes what it inserts; a
  candidate never holds a line break or tab: names doctor would reject are not offered
  (``complete.offerable``).
"""

from __future__ import annotations

import string

from typer._click.shell_completion import CompletionItem, add_completion_class
from typer._completion_classes import BashComplete, ZshComplete

#: Characters no shell treats specially anywhere in a word.
PLAIN = frozenset(string.ascii_letters + string.digits + "_.,+@%/-")


def zsh_word(text: str) -> str:
    """``text`` as one double-quoted word of the list ``_arguments`` evaluates, written inside
    the single quotes of the ``_arguments`` call (see the module docstring)."""
    out = []
    for char in text:
        if char in '$`\\"':
            out.append("\\" + char)  # the only characters special inside double quotes
        elif char == "'":
            out.append("'\\''")  # close the outer single quotes, an escaped ', reopen
        elif char == " ":
            out.append('"\\ "')  # outside the quotes: eval $(...) keeps an escaped space
        elif char == ":":
            out.append("\\\\:")  # _describe reads \: as a colon that is not a separator
        elif not char.isprintable():
            out.append("?")  # never offered (``complete.offerable``); a help text's odd character
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def bash_word(text: str) -> str:
    """``text`` escaped so that bash, given it as a word of the command line, reads ``text``."""
    return "".join(c if c in PLAIN or (c.isalnum() and not c.isascii()) else "\\" + c for c in text)


class InertZshComplete(ZshComplete):
    def format_completion(self, item: CompletionItem) -> str:
        if item.help:
            return f"{zsh_word(item.value)}:{zsh_word(item.help)}"
        return zsh_word(item.value)

    def complete(self) -> str:
        args, incomplete = self.get_completion_args()
        words = [self.format_completion(item) for item in self.get_completions(args, incomplete)]
        if not words:
            return "_files"
        return "_arguments '*: :((" + " ".join(words) + "))'"


class InertBashComplete(BashComplete):
    def format_completion(self, item: CompletionItem) -> str:
        return bash_word(item.value)


def install() -> None:
    """Use these formats for zsh and bash (after typer's ``completion_init``)."""
    add_completion_class(InertZshComplete, "zsh")
    add_completion_class(InertBashComplete, "bash")
