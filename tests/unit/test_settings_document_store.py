"""Documents kept in S3 need a bucket: a knowledge service without one refuses to start."""

import pytest
from pydantic import ValidationError

from services.settings import Settings


def test_s3_without_a_bucket_refuses_to_start():
    with pytest.raises(ValidationError, match="S3_BUCKET"):
        Settings(document_store="s3")
    assert Settings(document_store="s3", s3_bucket="crm-documents").s3_prefix == "documents/"
