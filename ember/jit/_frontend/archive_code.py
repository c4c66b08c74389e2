def compile_archive_classes(sources, version, constants=()):
    raise NotImplementedError
