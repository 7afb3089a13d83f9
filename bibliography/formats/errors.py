"""Why a file cannot be read: the error names the file, the line and, where one is to blame, the field."""


class DumpError(Exception):
    """Bad input, told as `FILE:LINE: what is wrong` (LINE is left out when no line is to blame)."""

    def __init__(self, file_name: str, line: int | None, message: str):
        super().__init__(message)
        self.file_name = file_name
        self.line = line
        self.message = message

    def __str__(self):
        where = f"{self.file_name}:{self.line}" if self.line else self.file_name
        return f"{where}: {self.message}"

    def __reduce__(self):  # raised in the parser's process, re-raised in the importer's
        return (DumpError, (self.file_name, self.line, self.message))


class InvalidRecords(DumpError):
    """Records of one file that cannot be imported, every one of them: `FILE:LINE: field: reason` a line."""

    def __init__(self, file_name: str, problems: list[DumpError]):
        super().__init__(
            file_name, problems[0].line if problems else None, f"{len(problems)} records cannot be imported"
        )
        self.problems = problems

    def __str__(self):
        return "\n".join(str(problem) for problem in self.problems)
