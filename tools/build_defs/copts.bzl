"""The one place for compiler and linker flags of project code.

Third-party code comes from Debian packages and is only ever included as
system headers (-isystem), so -Werror applies to our code alone.
"""

# Warnings for every translation unit of the project.
AQUATIC_COPTS = [
    "-Wall",
    "-Wextra",
    "-Wshadow",
    "-Wnon-virtual-dtor",
    "-Wimplicit-fallthrough",
    "-Wno-unused-parameter",
    "-Werror",
]

# Generated code (protoc output) is not ours to fix.
GENERATED_COPTS = [
    "-Wno-unused-parameter",
]

# Test-only relaxations: gtest macros compare signed with unsigned literals.
TEST_COPTS = AQUATIC_COPTS + [
    "-Wno-sign-compare",
]
