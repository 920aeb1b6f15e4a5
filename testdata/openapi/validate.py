"""Validates OpenAPI 3.0 / Swagger 2.0 documents with openapi-spec-validator.

Usage: python validate.py FILE...  Prints one line per invalid document and a
summary; exits 1 when any is invalid.
"""
import sys

from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

invalid = 0
for path in sys.argv[1:]:
    spec, _ = read_from_filename(path)
    try:
        validate(spec)
    except Exception as error:  # the validator raises several types
        invalid += 1
        print(f"{path}: {str(error).splitlines()[0]}")
print(f"{len(sys.argv) - 1 - invalid} valid, {invalid} invalid")
sys.exit(1 if invalid else 0)
