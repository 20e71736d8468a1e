"""Media alternatives (WCAG 1.2.1, 1.2.2, 1.2.3): players without captions or transcripts.

* ``<video>`` without a captions or subtitles ``<track>`` → captions (1.2.2);
* ``<video>`` without a descriptions track and without a transcript link or
  heading near it → audio description or media alternative (1.2.3);
* ``<audio controls>`` without a transcript near it → 1.2.1 (audio-only).

"Near" is within the player's three nearest ancestors, or what its
``aria-describedby`` points at; "transcript" also in Dutch, German, French,
Spanish and Italian spellings. Background videos (muted, no controls) are left
out. Captions can also be burned in, and a video may have no sound or nothing
visual to describe: every finding needs review. Videos embedded from other
sites (iframes) are not seen.
"""

from __future__ import annotations

from a11y_audit.audits.engines.base import PageSession
from a11y_audit.audits.engines.checks import js
from a11y_audit.audits.engines.checks.base import CheckEngine, CheckOutput
from a11y_audit.audits.engines.checks.rules import Rule
from a11y_audit.audits.model import NEEDS_REVIEW

MAX_PLAYERS = 20


class MediaEngine(CheckEngine):
    name = "media"
    rules = ("video-captions", "video-description", "audio-transcript")

    async def check(self, page: PageSession, rules: dict[str, Rule]) -> CheckOutput:
        found = await page.evaluate(js.function("media"), {"max": MAX_PLAYERS})
        output = CheckOutput(facts={"videos": len(found["videos"]), "audios": len(found["audios"])})
        for video in found["videos"]:
            if "video-captions" in rules and not video["captions"]:
                output.findings.append(rules["video-captions"].on(
                    self.name, NEEDS_REVIEW, video, "This video has no <track kind=\"captions\"> or "
                    "<track kind=\"subtitles\"> with a src."))
            if "video-description" in rules and not video["descriptions"] and not video["transcript"]:
                output.findings.append(rules["video-description"].on(
                    self.name, NEEDS_REVIEW, video, "This video has no <track kind=\"descriptions\"> and no "
                    "transcript link or heading was found within its three nearest ancestors."))
        for audio in found["audios"]:
            if "audio-transcript" in rules and not audio["transcript"]:
                output.findings.append(rules["audio-transcript"].on(
                    self.name, NEEDS_REVIEW, audio, "No transcript link or heading was found within this "
                    "audio player's three nearest ancestors."))
        if not found["videos"]:
            output.not_applicable |= {"video-captions", "video-description"}
        if not found["audios"]:
            output.not_applicable.add("audio-transcript")
        return output
