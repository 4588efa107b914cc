"""Static files storage: compressed, hashed names, cached for ever."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    # Our scripts are ES modules that import each other (chat.js and
    # agent-console.js import chat-sequence.js). Pages name each script by its
    # hashed name, so the imports inside it must too: an import of the plain
    # name could load a copy cached from before a release, next to a new
    # script that needs the new one.
    support_js_module_import_aggregation = True
