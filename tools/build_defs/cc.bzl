"""One macro layer over the native C++ rules so every target gets the same flags.

Use these instead of native cc_* rules everywhere in the project.
"""

load("//tools/build_defs:copts.bzl", "AQUATIC_COPTS", "TEST_COPTS")

def aquatic_cc_library(name, copts = [], **kwargs):
    native.cc_library(name = name, copts = AQUATIC_COPTS + copts, **kwargs)

def aquatic_cc_binary(name, copts = [], **kwargs):
    native.cc_binary(name = name, copts = AQUATIC_COPTS + copts, **kwargs)

def aquatic_cc_test(name, copts = [], size = "small", **kwargs):
    native.cc_test(name = name, copts = TEST_COPTS + copts, size = size, **kwargs)
