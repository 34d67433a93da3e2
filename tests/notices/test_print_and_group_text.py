"""The A4 poster (notices:poster) with its QR code to the public page, the group text
(notices:group_text) with its link, and the attachments' download (notices:attachment)."""

import pytest
from django.urls import reverse

from notices.attachments import attachment_clean, attachments_store
from notices.states import State

from .conftest import bring_to, make_notice, pdf


@pytest.fixture
def published(site_a, clerk, approver):
    notice = make_notice(
        site_a,
        clerk,
        title="3栋停水通知",
        body="# 停水\n\n因**管道检修**，周六停水。\n\n- 请储水\n\n<script>alert(1)</script>",
    )
    return bring_to(notice, State.PUBLISHED, clerk=clerk, boss=approver)


def test_the_poster_has_the_site_title_body_issuer_and_a_qr_code(clerk_client, published):
    response = clerk_client.get(reverse("notices:poster", args=[published.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "翠湖花园" in html and "3栋停水通知" in html
    assert "<strong>管道检修</strong>" in html and "<script>alert" not in html
    assert "翠湖花园物业服务中心" in html and "0571-88886601" in html
    assert "<svg" in html and 'class="poster-qr"' in html
    assert "notices/poster.css" in html
    assert "poster-not-published" not in html


def test_the_qr_code_carries_the_public_link(clerk_client, published):
    import segno

    response = clerk_client.get(reverse("notices:poster", args=[published.pk]))
    expected = segno.make(f"http://testserver/n/{published.token}/", error="m").svg_inline(
        scale=4, omitsize=True
    )
    assert expected in response.content.decode()


def test_a_poster_of_a_notice_not_published_says_so(clerk_client, draft):
    html = clerk_client.get(reverse("notices:poster", args=[draft.pk])).content.decode()
    assert "poster-not-published" in html


def test_the_group_text_is_plain_with_the_link(clerk_client, published):
    response = clerk_client.get(reverse("notices:group_text", args=[published.pk]))
    assert response.status_code == 200
    text = response.context["text"]
    assert text.startswith("【停水停电】3栋停水通知\n\n停水\n\n因管道检修，周六停水。\n\n• 请储水")
    assert "**" not in text and "<strong>" not in text
    assert text.endswith(f"查看完整通知：http://testserver/n/{published.token}/")
    # Shown in a textarea, escaped: the script typed in the body is text there too.
    assert "&lt;script&gt;" in response.content.decode()


def test_another_sites_user_gets_a_404(client, clerk_b, published):
    client.force_login(clerk_b)
    assert client.get(reverse("notices:poster", args=[published.pk])).status_code == 404
    assert client.get(reverse("notices:group_text", args=[published.pk])).status_code == 404


def test_an_attachment_is_downloaded_by_the_desk_of_its_site(client, site_a, clerk, clerk_b, media):
    notice = make_notice(site_a, clerk)
    (row,) = attachments_store(
        notice=notice, user=clerk, files=[attachment_clean(pdf("时间表.pdf"))]
    )
    url = reverse("notices:attachment", args=[row.pk])
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(clerk_b)
    assert client.get(url).status_code == 404
