"""Static files as a production process serves them (hertsreport/storage.py)."""

import json
import re

from django.core.management import call_command

CHAT_SCRIPTS = ["js/chat.js", "js/agent-console.js"]


def test_chat_scripts_import_the_module_they_share_by_its_hashed_name(
    settings, tmp_path
):
    # Hashed names are cached for ever: an import of the plain name could load
    # a copy of the module cached before a release, beside a new script.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "hertsreport.storage.HashedStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)

    names = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    shared = names["js/chat-sequence.js"]
    assert re.fullmatch(r"js/chat-sequence\.[0-9a-f]{12}\.js", shared)
    assert (tmp_path / shared).is_file()
    for script in CHAT_SCRIPTS:
        source = (tmp_path / names[script]).read_text()
        imports = re.findall(r'^import .* from "(.*)";$', source, re.MULTILINE)
        assert imports == [f"./{shared.removeprefix('js/')}"], script
