"""Errors a user can cause. Their messages are safe to show as they are."""


class QAError(Exception):
    """Base class: the message is written for the person using the app or CLI."""


class ArticleError(QAError):
    """The article could not be read or holds no text."""


class QuestionError(QAError):
    """The question cannot be asked (for example, it is empty)."""


class StorageError(QAError):
    """The index folder cannot be written (read-only, full, or not a folder)."""
