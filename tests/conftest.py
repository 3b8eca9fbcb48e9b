pytest_plugins = ["trackapis.testing.pytest_plugin"]
