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
