"""The first screen builds less (issue 11, "Open at once"), and what it
builds later still looks and acts as before."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from tests.tui.conftest import MakeApp, main_screen, settle


async def test_footer_keys_start_as_the_footer_is_and_follow_it(make_app: MakeApp) -> None:
    """Each key is built compact or not as its footer is (Textual's started
    compact and restyled each key twice); a narrower terminal still makes
    them compact, and the palette's key stays as Textual draws it."""
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        keys = [key for key in screen.query(FooterKey) if not key.has_class("-command-palette")]
        assert keys and not any(key.has_class("-compact") for key in keys)
        palette = [key for key in screen.query(FooterKey) if key.has_class("-command-palette")]
        assert len(palette) == 1 and palette[0].has_class("-compact")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        keys = list(screen.query(FooterKey))
        assert keys and all(key.has_class("-compact") for key in keys)
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        keys = [key for key in screen.query(FooterKey) if not key.has_class("-command-palette")]
        assert keys and not any(key.has_class("-compact") for key in keys)
