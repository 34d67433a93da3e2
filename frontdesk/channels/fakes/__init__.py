"""Local servers on 127.0.0.1 that answer as the providers do (WeCom's group robot,
Tencent Cloud SMS): the channels' tests send to them, and so does ``bench_channels``,
which measures sending without reaching the internet. Never used by the running app."""
