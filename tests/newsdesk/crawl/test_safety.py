import pytest

from newsdesk.crawl.safety import check_destination, validate_url
from newsdesk.errors import FetchRefused, InvalidURL


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8080/x",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://100.64.0.1/",
        # IPv6 forms that embed a non-public IPv4 address are judged by that address
        "http://[2002:7f00:1::]/",
        "http://[2002:a01:203::1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[64:ff9b:1:7f00:0:100::]/",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
        "http://[::127.0.0.1]/",
        "http://[::ffff:0:7f00:1]/",
    ],
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


@pytest.mark.parametrize(
    "url",
    [
        "ftp://x.test/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://",
        "not a url",
        "http://user:pw@x.test/",
        "http://x.test:99999/",
    ],
)
def test_invalid_urls_are_rejected(url):
    with pytest.raises(InvalidURL):
        validate_url(url)


@pytest.mark.parametrize(
    "address, inner",
    [
        ("2002:808:808::1", "8.8.8.8"),
        ("64:ff9b::808:808", "8.8.8.8"),
        ("::ffff:8.8.8.8", "8.8.8.8"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"),
        ("64:ff9b:1:7f00:0:100::", "127.0.0.1"),
    ],
)
def test_the_embedded_ipv4_address_is_found(address, inner):
    import ipaddress

    from newsdesk.crawl.safety import embedded_ipv4

    assert ipaddress.ip_address(inner) in embedded_ipv4(ipaddress.ip_address(address))


def test_public_ipv6_with_a_public_embedded_address_is_allowed():
    import ipaddress

    from newsdesk.crawl.safety import is_public_address

    assert is_public_address(ipaddress.ip_address("2002:808:808::1"))
    assert is_public_address(ipaddress.ip_address("2606:4700::1111"))
