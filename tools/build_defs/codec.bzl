"""cc_codec_library: generated wire codecs from a codec schema proto_library.

Runs protoc with tools/codecgen over the proto_library's own .proto files and
compiles the output (`<name>.codec.h/.cc`, never committed) into a cc_library.
"""

load("//tools/build_defs:copts.bzl", "AQUATIC_COPTS")

def _codec_sources_impl(ctx):
    proto_info = ctx.attr.proto[ProtoInfo]
    headers = []
    sources = []
    for src in proto_info.direct_sources:
        base = src.basename[:-len(".proto")]
        headers.append(ctx.actions.declare_file(base + ".codec.h"))
        sources.append(ctx.actions.declare_file(base + ".codec.cc"))

    args = ctx.actions.args()
    args.add("--plugin=protoc-gen-codec=" + ctx.executable._plugin.path)
    args.add("--codec_out=include_prefix=%s:%s/%s" % (
        ctx.label.package,
        ctx.bin_dir.path,
        ctx.label.package,
    ))
    args.add("-I.")
    args.add_all(proto_info.transitive_proto_path, format_each = "-I%s")
    args.add_all(proto_info.direct_sources)
    ctx.actions.run(
        executable = ctx.executable._protoc,
        arguments = [args],
        inputs = proto_info.transitive_sources,
        tools = [ctx.executable._plugin],
        outputs = headers + sources,
        mnemonic = "CodecGen",
        progress_message = "Generating codec for %s" % ctx.label,
    )
    return [
        DefaultInfo(
            files = depset(headers + sources),
            runfiles = ctx.runfiles(files = headers + sources),
        ),
        OutputGroupInfo(headers = depset(headers), sources = depset(sources)),
    ]

_codec_sources = rule(
    implementation = _codec_sources_impl,
    attrs = {
        "proto": attr.label(mandatory = True, providers = [ProtoInfo]),
        "_protoc": attr.label(
            default = "@com_google_protobuf//:protoc",
            executable = True,
            cfg = "host",
        ),
        "_plugin": attr.label(
            default = "//tools/codecgen:protoc-gen-codec",
            executable = True,
            cfg = "host",
        ),
    },
)

_CODEC_RUNTIME_DEPS = [
    "//codec/runtime:bencode",
    "//codec/runtime:bencode_fields",
    "//codec/runtime:big_endian",
    "//codec/runtime:codec_status",
    "//codec/runtime:fixed_string",
    "//codec/runtime:fixed_vector",
    "//codec/runtime:json",
    "//codec/runtime:json_fields",
    "//codec/runtime:query_fields",
    "//codec/runtime:query_string",
    "//codec/runtime:tlv_options",
    "@com_google_absl//:span",
    "@com_google_absl//:status",
    "@com_google_absl//:statusor",
    "@com_google_absl//:strings",
]

def cc_codec_library(name, proto, deps = [], **kwargs):
    """A cc_library with the generated codec of `proto` (a proto_library)."""
    _codec_sources(name = name + "_generated", proto = proto)
    native.filegroup(
        name = name + "_generated_headers",
        srcs = [":" + name + "_generated"],
        output_group = "headers",
    )
    native.filegroup(
        name = name + "_generated_sources",
        srcs = [":" + name + "_generated"],
        output_group = "sources",
    )
    native.cc_library(
        name = name,
        srcs = [":" + name + "_generated_sources"],
        hdrs = [":" + name + "_generated_headers"],
        copts = AQUATIC_COPTS,
        deps = _CODEC_RUNTIME_DEPS + deps,
        **kwargs
    )
