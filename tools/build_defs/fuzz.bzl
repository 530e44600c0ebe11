"""aquatic_fuzz_target: one macro per fuzz target.

For a target NAME (sources defining LLVMFuzzerTestOneInput) it gives:
  NAME_lib          the fuzz entry point as a library
  NAME_corpus_test  a cc_test replaying fuzz/corpus/NAME/ in `bazel test //...`;
                    it fails on an empty corpus
  NAME              the libFuzzer binary under --config=libfuzzer (elsewhere
                    the same replay driver, so it still builds and runs)
"""

load("//tools/build_defs:copts.bzl", "TEST_COPTS")

def aquatic_fuzz_target(name, srcs, deps = []):
    corpus_dir = "corpus/" + name
    native.cc_library(
        name = name + "_lib",
        testonly = True,
        srcs = srcs,
        copts = TEST_COPTS,
        deps = deps,
        alwayslink = True,
    )
    native.filegroup(
        name = name + "_corpus",
        testonly = True,
        srcs = native.glob([corpus_dir + "/*"]),
    )
    native.cc_test(
        name = name + "_corpus_test",
        size = "small",
        args = ["%s/%s" % (native.package_name(), corpus_dir)],
        data = [":" + name + "_corpus"],
        deps = [
            ":" + name + "_lib",
            "//fuzz:replay_main",
        ],
    )
    native.cc_binary(
        name = name,
        testonly = True,
        linkopts = select({
            "//tools/build_defs:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        tags = ["fuzz_target"],
        deps = [":" + name + "_lib"] + select({
            "//tools/build_defs:libfuzzer": [],
            "//conditions:default": ["//fuzz:replay_main"],
        }),
    )
