"""The WeCom group robot adapter against a local webhook that answers as WeCom does."""

import time

import pytest

from frontdesk.channels.adapters.outcome import Verdict
from frontdesk.channels.adapters.wecom import DEFAULT_URL, WeComRobot
from frontdesk.channels.fakes.wecom import closed_port_url

KEY = "0f2b8c1e-5a7d-4e3b-9c6a-secret-key-1"
LINK = "https://desk.example.com/n/Xy7kQ2/"


def robot(fake_wecom, timeout=2):
    return WeComRobot(base_url=fake_wecom.url, timeout=timeout)


def test_it_sends_markdown(fake_wecom):
    outcome = robot(fake_wecom).send(KEY, subject="停水通知", text="3栋明天停水。", link=LINK)

    assert (outcome.verdict, outcome.code, outcome.retry_after) == (Verdict.SENT, "0", None)
    [message] = fake_wecom.delivered
    assert message.key == KEY
    assert message.payload == {
        "msgtype": "markdown",
        "markdown": {"content": f"**停水通知**\n3栋明天停水。\n[查看详情]({LINK})"},
    }


def test_it_sends_text(fake_wecom):
    outcome = robot(fake_wecom).send(
        KEY, subject="停水通知", text="3栋明天停水。", link=LINK, markdown=False
    )

    assert outcome.verdict == Verdict.SENT
    [message] = fake_wecom.delivered
    assert message.payload == {
        "msgtype": "text",
        "text": {"content": f"停水通知\n3栋明天停水。\n查看详情：{LINK}"},
    }


def test_it_mentions_mobiles_in_a_text_message(fake_wecom):
    # Markdown cannot @ by mobile: asking for both sends text, so the mention is not lost.
    outcome = robot(fake_wecom).send(
        KEY, subject="投诉超时", text="请尽快处理。", mentioned_mobiles=["13800138000", "@all"]
    )

    assert outcome.verdict == Verdict.SENT
    [message] = fake_wecom.delivered
    assert message.payload["msgtype"] == "text"
    assert message.payload["text"]["mentioned_mobile_list"] == ["13800138000", "@all"]
    assert message.payload["text"]["content"] == "投诉超时\n请尽快处理。"


def test_it_sends_text_that_utf8_cannot_carry_with_a_stand_in(fake_wecom):
    outcome = robot(fake_wecom).send(KEY, subject="s", text="半个\ud83d字符")

    assert outcome.verdict == Verdict.SENT
    assert fake_wecom.delivered[0].content == "**s**\n半个?字符"


def test_it_leaves_the_link_line_out_without_a_link(fake_wecom):
    robot(fake_wecom).send(KEY, subject="", text="只有正文")

    assert fake_wecom.delivered[0].content == "只有正文"


def test_it_keeps_the_subject_and_link_from_breaking_the_markdown(fake_wecom):
    robot(fake_wecom).send(
        KEY, subject="**紧急**\n停电", text="正文", link="https://desk.example.com/n/a)b c/"
    )

    assert fake_wecom.delivered[0].content == (
        "**＊＊紧急＊＊ 停电**\n正文\n[查看详情](https://desk.example.com/n/a%29b%20c/)"
    )


# A prefix of 0–3 ASCII bytes moves every cut through every byte of the 3- and 4-byte
# characters that follow, so one of the runs would cut inside a character if the adapter did.
@pytest.mark.parametrize("shift", [0, 1, 2, 3])
@pytest.mark.parametrize(("markdown", "limit"), [(True, 4096), (False, 2048)])
def test_it_cuts_long_content_at_a_character_boundary(fake_wecom, shift, markdown, limit):
    text = "x" * shift + "小区停水通知😀" * 1000

    outcome = robot(fake_wecom).send(KEY, subject="停水", text=text, link=LINK, markdown=markdown)

    assert outcome.verdict == Verdict.SENT
    [message] = fake_wecom.delivered
    content = message.content
    size = len(content.encode("utf-8"))
    # Cut to the limit, short of it only by what a character boundary takes (at most 3).
    assert limit - 3 <= size <= limit
    link_line = f"[查看详情]({LINK})" if markdown else f"查看详情：{LINK}"
    assert content.endswith("…\n" + link_line)
    head = content.removesuffix("…\n" + link_line)
    assert head.startswith("**停水**\n" if markdown else "停水\n")
    assert text.startswith(head.split("\n", 1)[1])
    assert "\ufffd" not in content


@pytest.mark.parametrize(("markdown", "limit"), [(True, 4096), (False, 2048)])
def test_it_sends_content_of_exactly_the_limit_whole(fake_wecom, markdown, limit):
    # "**主题**\n" is 11 bytes in markdown, "主题\n" 7 in text.
    text = "a" * (limit - (11 if markdown else 7))

    robot(fake_wecom).send(KEY, subject="主题", text=text, markdown=markdown)

    content = fake_wecom.delivered[0].content
    assert len(content.encode()) == limit
    assert content.endswith("a" * 10)


def test_it_retries_after_a_minute_when_wecom_limits_the_robot(fake_wecom):
    fake_wecom.script(KEY, ["45009"])

    outcome = robot(fake_wecom).send(KEY, subject="s", text="t")

    assert (outcome.verdict, outcome.code, outcome.retry_after) == (Verdict.RETRY, "45009", 60)
    assert "api freq out of limit" in outcome.detail
    assert "一分钟后重试" in outcome.detail


def test_it_hears_45009_past_20_messages_a_minute(fake_wecom):
    sender = robot(fake_wecom)

    outcomes = [sender.send(KEY, subject="s", text=str(n)) for n in range(21)]

    assert [o.verdict for o in outcomes] == [Verdict.SENT] * 20 + [Verdict.RETRY]
    assert outcomes[-1].retry_after == 60
    assert len(fake_wecom.delivered) == 20
    # Another robot has a minute of its own.
    assert sender.send("another-key", subject="s", text="t").verdict == Verdict.SENT


def test_it_lets_the_fake_window_be_shortened(fake_wecom):
    fake_wecom.window_seconds = 0.3
    sender = robot(fake_wecom)
    for n in range(20):
        sender.send(KEY, subject="s", text=str(n))
    assert sender.send(KEY, subject="s", text="21st").code == "45009"

    time.sleep(0.35)

    assert sender.send(KEY, subject="s", text="later").verdict == Verdict.SENT


@pytest.mark.parametrize(
    ("errcode", "words"),
    [("93000", "移出群聊"), ("93004", "停用"), ("93008", "不在群聊")],
)
def test_it_reports_a_gone_robot_as_broken(fake_wecom, errcode, words):
    fake_wecom.script(KEY, [errcode])

    outcome = robot(fake_wecom).send(KEY, subject="s", text="t")

    assert (outcome.verdict, outcome.code, outcome.retry_after) == (Verdict.BROKEN, errcode, None)
    assert words in outcome.detail
    assert "重新填写" in outcome.detail  # what the supervisor should do
    assert f"devtool/query?e={errcode}" in outcome.detail  # WeCom's own message kept


def test_it_reports_a_removed_robot_from_a_real_webhook_answer(fake_wecom):
    outcome = robot(fake_wecom).send("removed-robot", subject="s", text="t")

    assert (outcome.verdict, outcome.code) == (Verdict.BROKEN, "93000")
    assert "invalid webhook url" in outcome.detail


@pytest.mark.parametrize(
    ("errcode", "errmsg"),
    [("40008", "invalid message type"), ("44004", "empty content"), ("40058", "invalid Request")],
)
def test_it_fails_a_message_wecom_refuses(fake_wecom, errcode, errmsg):
    fake_wecom.script(KEY, [errcode])

    outcome = robot(fake_wecom).send(KEY, subject="s", text="t")

    assert (outcome.verdict, outcome.code, outcome.retry_after) == (Verdict.FAILED, errcode, None)
    assert f"企业微信拒收此消息（错误码 {errcode}）" in outcome.detail
    assert errmsg in outcome.detail


def test_it_fails_an_empty_message_as_wecom_answers_it(fake_wecom):
    outcome = robot(fake_wecom).send(KEY, subject="", text="")

    assert (outcome.verdict, outcome.code) == (Verdict.FAILED, "44004")
    assert fake_wecom.delivered == []


def test_it_retries_when_wecom_does_not_answer_in_time(fake_wecom):
    fake_wecom.script(KEY, ["timeout"])
    started = time.monotonic()

    outcome = robot(fake_wecom, timeout=0.5).send(KEY, subject="s", text="t")

    assert time.monotonic() - started < fake_wecom.hang_seconds
    assert (outcome.verdict, outcome.code) == (Verdict.RETRY, "timeout")
    assert "0.5 秒内未响应" in outcome.detail


# 5xx, and the two that a proxy in between may answer for a while: too many requests, and a
# redirect (never followed: it would take the key along).
@pytest.mark.parametrize("status", ["500", "502", "503", "429", "302"])
def test_it_retries_on_an_http_status_that_may_pass(fake_wecom, status):
    fake_wecom.script(KEY, [status])

    outcome = robot(fake_wecom).send(KEY, subject="s", text="t")

    assert (outcome.verdict, outcome.code) == (Verdict.RETRY, f"http_{status}")
    assert f"HTTP {status}" in outcome.detail


@pytest.mark.parametrize("status", ["400", "403", "404"])
def test_it_fails_on_a_client_error(fake_wecom, status):
    fake_wecom.script(KEY, [status])

    outcome = robot(fake_wecom).send(KEY, subject="s", text="t")

    assert (outcome.verdict, outcome.code) == (Verdict.FAILED, f"http_{status}")


def test_it_fails_when_the_base_url_is_not_the_webhook(fake_wecom):
    outcome = WeComRobot(base_url=fake_wecom.url.replace("/send", "/sned")).send(
        KEY, subject="s", text="t"
    )

    assert (outcome.verdict, outcome.code) == (Verdict.FAILED, "http_404")


@pytest.mark.parametrize("step", ["garbage", "noerrcode"])
def test_it_retries_on_a_reply_that_is_not_wecoms(fake_wecom, step):
    fake_wecom.script(KEY, [step])

    outcome = robot(fake_wecom).send(KEY, subject="s", text="t")

    assert (outcome.verdict, outcome.code) == (Verdict.RETRY, "bad_reply")


def test_it_retries_when_the_connection_drops(fake_wecom):
    fake_wecom.script(KEY, ["hangup"])

    outcome = robot(fake_wecom).send(KEY, subject="s", text="t")

    assert (outcome.verdict, outcome.code) == (Verdict.RETRY, "connection")


def test_it_retries_when_the_connection_is_refused():
    outcome = WeComRobot(base_url=closed_port_url(), timeout=1).send(KEY, subject="s", text="t")

    assert (outcome.verdict, outcome.code) == (Verdict.RETRY, "connection")
    assert "无法连接企业微信" in outcome.detail


def test_it_never_gives_the_key_away(fake_wecom, caplog):
    # The provider's message quotes the URL here, and requests' own errors always do.
    fake_wecom.echo_key = True
    steps = ["45009", "93000", "93004", "93008", "40008", "500", "403", "garbage", "hangup"]
    fake_wecom.script(KEY, steps)
    sender = robot(fake_wecom, timeout=0.5)

    outcomes = [sender.send(KEY, subject="s", text="t") for _ in steps]
    outcomes.append(WeComRobot(base_url=closed_port_url()).send(KEY, subject="s", text="t"))
    fake_wecom.script(KEY, ["timeout"])
    outcomes.append(sender.send(KEY, subject="s", text="t"))

    assert {o.verdict for o in outcomes} == {Verdict.RETRY, Verdict.BROKEN, Verdict.FAILED}
    for outcome in outcomes:
        assert KEY not in outcome.detail
        assert KEY not in outcome.code
    assert "key=***" in outcomes[1].detail
    assert caplog.records  # every problem was logged …
    assert KEY not in caplog.text  # … without the key


def test_it_reads_the_webhook_url_from_the_settings(settings):
    assert (
        WeComRobot().base_url == DEFAULT_URL == ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send")
    )

    settings.WECOM_ROBOT_URL = "http://127.0.0.1:9/cgi-bin/webhook/send"

    assert WeComRobot().base_url == "http://127.0.0.1:9/cgi-bin/webhook/send"
    assert WeComRobot().timeout == 5
