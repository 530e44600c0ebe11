"""loadtest_config: one load tester's config schema and its C++ module."""

load("//tools/build_defs:cc.bzl", "aquatic_cc_library", "aquatic_cc_test")
load("//tools/build_defs:copts.bzl", "GENERATED_COPTS")
load("//tools/build_defs:embed.bzl", "embed_file")

def loadtest_config(tool, symbol):
    """The targets behind `<tool>_loadtest.proto` and `<tool>_loadtest_config.{h,cc}`.

    Makes `<tool>_loadtest_proto`, `<tool>_loadtest_cc_proto`, the schema as a
    descriptor set with source info (its comments are what `-p` prints), that
    set embedded as `k<symbol>DescriptorSet`, the `<tool>_loadtest_config`
    library and its `<tool>_loadtest_config_test`.
    """
    base = tool + "_loadtest"
    native.proto_library(
        name = base + "_proto",
        srcs = [base + ".proto"],
        deps = ["//tracker/base/config:options_proto"],
    )
    native.cc_proto_library(
        name = base + "_cc_proto",
        deps = [":" + base + "_proto"],
    )
    native.genrule(
        name = base + "_descriptor_set",
        srcs = [
            base + ".proto",
            "//tracker/base/config:options.proto",
        ],
        outs = [base + "_descriptor_set.pb"],
        cmd = "$(location @com_google_protobuf//:protoc) --include_source_info " +
              "--descriptor_set_out=$@ -I. $(SRCS)",
        tools = ["@com_google_protobuf//:protoc"],
    )
    embed_file(
        name = "embedded_" + base + "_descriptor_set",
        src = ":" + base + "_descriptor_set",
        copts = GENERATED_COPTS,
        symbol = "k%sDescriptorSet" % symbol,
    )
    aquatic_cc_library(
        name = base + "_config",
        srcs = [base + "_config.cc"],
        hdrs = [base + "_config.h"],
        deps = [
            ":embedded_" + base + "_descriptor_set",
            ":" + base + "_cc_proto",
            ":loadtest_config_io",
            ":loopback_address",
            "//loadtest:workload",
            "@com_google_absl//:status",
            "@com_google_absl//:statusor",
            "@com_google_absl//:strings",
        ],
    )
    aquatic_cc_test(
        name = base + "_config_test",
        srcs = [base + "_config_test.cc"],
        deps = [
            ":" + base + "_cc_proto",
            ":" + base + "_config",
            "//loadtest:workload",
            "@com_google_absl//:strings",
            "@com_google_googletest//:gtest_main",
            "@com_google_protobuf//:protobuf",
        ],
    )
