"""Thanks and greetings: a short polite reply instead of a search (「ありがとうございました」 is no question).

A message is small talk only when nothing but such words (and fillers) is in it, so
「こんにちは、締切はいつですか」 is still a question about the deadline.
"""

from __future__ import annotations

import re

_THANKS = re.compile(r"ありがと|有難う|有り難う|感謝|助かりま|助かった|サンキュー|thank", re.IGNORECASE)
_GREETING = re.compile(r"こんにちは|こんばんは|おはよう|はじめまして|初めまして|よろしく|宜しく|hello|hi\b", re.IGNORECASE)
_CLOSING = re.compile(r"さようなら|失礼します|失礼いたします|お疲れ|おつかれ|また来ます|以上です|了解|わかりました|分かりました")
_SMALL_TALK = re.compile(
    r"ありがとう(?:ございます|ございました)?|ありがと|有難う(?:ございます|ございました)?|有り難う(?:ございます|ございました)?|"
    r"感謝(?:します|いたします|しています)?|助かりました|助かります|助かった|サンキュー|thanks?(?: you)?|"
    r"こんにちは|こんばんは|おはよう(?:ございます)?|はじめまして|初めまして|よろしく(?:お願い(?:します|いたします)?)?|"
    r"宜しく(?:お願い(?:します|いたします)?)?|hello|hi|さようなら|失礼(?:します|いたします)|お疲れ(?:様|さま)?(?:です|でした)?|"
    r"おつかれ(?:さま)?(?:です|でした)?|また来ます|以上です|了解(?:です|しました)?|(?:わ|分)かりました|"
    r"とても|本当に|大変|すごく|よく|どうも|です|ました|ね|よ|[\s、。,.!?!?・ー〜~w笑]",
    re.IGNORECASE,
)

THANKS_REPLY = "どういたしまして。ほかにもご質問があれば、いつでもどうぞ。"
GREETING_REPLY = "こんにちは。補助金の公募要領について、補助額・要件・締切などをお気軽にお尋ねください。"
CLOSING_REPLY = "ご利用ありがとうございました。またいつでもご質問ください。"


# Words of chatting around thanks and greetings (「今日もよろしくお願いします」「また何かあれば聞きますね」).
_CHAT_NOUNS = frozenset({"今日", "本日", "今回", "今後", "いつも", "何時も", "引き続き", "色々", "又", "早速", "丁寧"})


def _only_chat(rest: str) -> bool:
    """Is what remains besides the small-talk words only chatting: no topic word, no question?"""
    from assistant.tokenizer import content_tokens

    if not rest.strip():
        return True
    if re.search(r"[??]|ですか|ますか|教えて", rest):
        return False
    return set(content_tokens(rest)) <= _CHAT_NOUNS


def small_talk_reply(text: str) -> str | None:
    """The reply to a message that is only thanks, a greeting or a goodbye; None for anything else."""
    if not text.strip() or not _only_chat(_SMALL_TALK.sub("", text)):
        return None
    if _THANKS.search(text):
        return THANKS_REPLY
    if _GREETING.search(text):
        return GREETING_REPLY
    if _CLOSING.search(text):
        return CLOSING_REPLY
    return None
