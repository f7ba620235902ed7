from . import complaint as complaint
from . import contact as contact
from . import engagement as engagement
from . import identity as identity
from . import survey as survey
from ._errors import (
    ArgumentOverflowError as ArgumentOverflowError,
    FileAccessError as FileAccessError,
    FileMissingError as FileMissingError,
    InvalidTypeError as InvalidTypeError,
    MissingKeyError as MissingKeyError,
)
from ._crmkit import (
    ERROR_CODES as ERROR_CODES,
    BindingError as BindingError,
    ComplaintError as ComplaintError,
    ContactError as ContactError,
    CrmkitError as CrmkitError,
    InputError as InputError,
    SurveyError as SurveyError,
    __version__ as __version__,
)

__all__ = [
    "ERROR_CODES",
    "__version__",
    "complaint",
    "contact",
    "engagement",
    "identity",
    "survey",
    "ArgumentOverflowError",
    "BindingError",
    "ComplaintError",
    "ContactError",
    "CrmkitError",
    "FileAccessError",
    "FileMissingError",
    "InputError",
    "InvalidTypeError",
    "MissingKeyError",
    "SurveyError",
]
