import pytest

from newsdesk.errors import FetchRefused, InvalidURL
from newsdesk.crawl.safety import check_destination, validate_url


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://localhost:8080/x", "http://10.1.2.3/", "http://192.168.0.1/", "http://169.254.169.254/latest",
     "http://[::1]/", "http://0.0.0.0/", "http://224.0.0.1/", "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/"],
)
def test_non_public_destinations_are_refused(url):
    with pytest.raises(FetchRefused) as info:
        check_destination(url, allow_list=[])
    assert info.value.reason == "private_address"


def test_allow_list_lets_listed_addresses_through():
    check_destination("http://127.0.0.1:8000/feed", allow_list=["127.0.0.1"])
    check_destination("http://10.2.3.4/", allow_list=["10.0.0.0/8"])
    with pytest.raises(FetchRefused):
        check_destination("http://192.168.1.1/", allow_list=["10.0.0.0/8"])


@pytest.mark.parametrize("url", ["ftp://x.test/", "file:///etc/passwd", "javascript:alert(1)", "http://", "not a url",
                                 "http://user:pw@x.test/", "http://x.test:99999/"])
def test_invalid_urls_are_rejected(url):
    with pytest.raises(InvalidURL):
        validate_url(url)
