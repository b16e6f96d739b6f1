using Pipeline.Grains.Scraping.Relabeling;
using Xunit;
using static Pipeline.Tests.Scraping.Relabeling.RelabelYaml;

namespace Pipeline.Tests.Scraping.Relabeling;

/// <summary>Every action, case by case, against the outcomes Prometheus documents.</summary>
public sealed class RelabelActionTests
{
    private static readonly LabelSet Pod = LabelSet.Of(
        "__address__", "10.1.2.3:8080",
        "__meta_kubernetes_namespace", "shop",
        "__meta_kubernetes_pod_name", "web-7c9d8f6b5-x2x4q",
        "__meta_kubernetes_pod_label_app", "web",
        "__meta_kubernetes_pod_label_app_kubernetes_io_version", "1.4.2",
        "env", "prod");

    [Fact]
    public void Replace_is_the_default_action_with_regex_any_and_replacement_dollar_one()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [__meta_kubernetes_namespace]
                target_label: namespace
            """, Pod);

        Assert.Equal("shop", result!.Get("namespace"));
        Assert.Equal(Pod.Count + 1, result.Count);
    }

    [Fact]
    public void Replace_joins_source_values_with_the_separator_and_matches_the_whole_value()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_pod_name]
                target_label: joined
              - source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_pod_name]
                separator: /
                target_label: slash
            """, Pod);

        Assert.Equal("shop;web-7c9d8f6b5-x2x4q", result!.Get("joined"));
        Assert.Equal("shop/web-7c9d8f6b5-x2x4q", result.Get("slash"));
    }

    [Fact]
    public void Replace_without_a_match_changes_nothing()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [env]
                regex: dev
                target_label: env
                replacement: development
            """, Pod);

        Assert.Same(Pod, result);
    }

    [Fact]
    public void Regex_is_anchored_at_both_ends()
    {
        var yaml = """
            relabel_configs:
              - source_labels: [env]
                regex: pro
                target_label: partial
                replacement: matched
              - source_labels: [env]
                regex: prod|staging
                target_label: whole
                replacement: matched
              - source_labels: [env]
                regex: rod
                action: keep
            """;

        Assert.Null(Run(yaml, Pod));
        var rules = Rules(yaml)[..2];
        Assert.True(Relabeler.Process(Pod, rules, out var result));
        Assert.Equal("", result.Get("partial"));
        Assert.Equal("matched", result.Get("whole"));
    }

    [Fact]
    public void Alternation_inside_the_anchors_applies_to_the_whole_expression()
    {
        // ^(?:a|b)$, not ^a|b$: "xb" must not match.
        var yaml = """
            relabel_configs:
              - source_labels: [v]
                regex: a|b
                action: keep
            """;

        Assert.NotNull(Run(yaml, LabelSet.Of("v", "b")));
        Assert.Null(Run(yaml, LabelSet.Of("v", "xb")));
        Assert.Null(Run(yaml, LabelSet.Of("v", "ax")));
    }

    [Fact]
    public void Dot_matches_a_newline_as_in_prometheus()
    {
        var yaml = """
            relabel_configs:
              - source_labels: [v]
                regex: foo.bar
                action: keep
            """;

        Assert.NotNull(Run(yaml, LabelSet.Of("v", "foo\nbar")));
    }

    [Fact]
    public void A_value_with_a_trailing_newline_does_not_match_a_pattern_without_it()
    {
        // .NET's $ would match before a final newline; Prometheus's does not.
        var yaml = """
            relabel_configs:
              - source_labels: [v]
                regex: foo
                action: keep
            """;

        Assert.Null(Run(yaml, LabelSet.Of("v", "foo\n")));
        Assert.NotNull(Run(yaml, LabelSet.Of("v", "foo")));
    }

    [Fact]
    public void Missing_source_labels_count_as_empty_values()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [nope, env, also_missing]
                target_label: joined
            """, Pod);

        Assert.Equal(";prod;", result!.Get("joined"));
    }

    [Fact]
    public void Replace_with_an_empty_result_deletes_the_target_label()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [missing]
                target_label: env
            """, Pod);

        Assert.False(result!.Contains("env"));
    }

    [Fact]
    public void Replace_with_an_empty_replacement_deletes_the_target_label()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [env]
                target_label: env
                replacement: ""
            """, Pod);

        Assert.False(result!.Contains("env"));
    }

    [Fact]
    public void Replace_with_a_constant_replacement_sets_it_even_from_no_source()
    {
        var result = Run("""
            relabel_configs:
              - target_label: cluster
                replacement: eu-1
            """, Pod);

        Assert.Equal("eu-1", result!.Get("cluster"));
    }

    [Fact]
    public void Regex_default_matches_an_empty_value_but_an_explicit_non_empty_pattern_does_not()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [missing]
                target_label: a
                replacement: set
              - source_labels: [missing]
                regex: (.+)
                target_label: b
                replacement: set
            """, Pod);

        Assert.Equal("set", result!.Get("a"));
        Assert.False(result.Contains("b"));
    }

    [Theory]
    [InlineData("$1", "web")]
    [InlineData("${1}", "web")]
    [InlineData("${1}x", "webx")]
    [InlineData("$1x", "")] // group "1x" does not exist: Go expands it to nothing
    [InlineData("$1-$2", "web-7c9d8f6b5")]
    [InlineData("$1_$2", "7c9d8f6b5")] // "$1_" is a name: nothing, then "$2"
    [InlineData("${1}_${2}", "web_7c9d8f6b5")]
    [InlineData("$app/$hash", "web/7c9d8f6b5")]
    [InlineData("${app}:${hash}", "web:7c9d8f6b5")]
    [InlineData("$0", "web-7c9d8f6b5-x2x4q")]
    [InlineData("$9", "")] // no such group
    [InlineData("$01", "")] // leading zero: a name, not a number
    [InlineData("$$1", "$1")] // $$ is a dollar
    [InlineData("cost: 5$", "cost: 5$")] // a dollar that starts no reference stays
    [InlineData("${1", "${1")] // unclosed brace stays as written
    [InlineData("$-1", "$-1")]
    [InlineData("literal", "literal")]
    public void Replacement_expands_references_as_go_does(string replacement, string expected)
    {
        var rules = new[]
        {
            new RelabelRule(new RelabelConfig
            {
                SourceLabels = ["__meta_kubernetes_pod_name"],
                Regex = "(?P<app>[a-z]+)-(?P<hash>[0-9a-z]+)-[a-z0-9]+",
                TargetLabel = "out",
                Replacement = replacement,
            }),
        };

        Assert.True(Relabeler.Process(Pod, rules, out var result));
        Assert.Equal(expected, result.Get("out"));
    }

    [Fact]
    public void An_optional_group_that_did_not_take_part_expands_to_nothing()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [__address__]
                regex: '([^:]+)(:(\d+))?'
                target_label: port
                replacement: 'port=$3'
              - source_labels: [__address__]
                regex: '([^:]+)(:(\d+))?'
                target_label: host
            """, LabelSet.Of("__address__", "example.org"));

        Assert.Equal("port=", result!.Get("port"));
        Assert.Equal("example.org", result.Get("host"));
    }

    [Fact]
    public void Named_and_unnamed_groups_are_numbered_left_to_right_as_in_go()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [v]
                regex: (?P<first>a+)(b+)(?<third>c+)
                target_label: out
                replacement: $1|$2|$3|$first|$third
            """, LabelSet.Of("v", "aabbbc"));

        Assert.Equal("aa|bbb|c|aa|c", result!.Get("out"));
    }

    [Fact]
    public void Target_label_can_be_built_from_groups()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [__meta_kubernetes_pod_label_app]
                regex: (.+)
                target_label: app_${1}
                replacement: yes
            """, Pod);

        Assert.Equal("yes", result!.Get("app_web"));
    }

    [Fact]
    public void Target_label_that_expands_to_an_invalid_name_is_skipped()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [v]
                regex: (.*)
                target_label: ${1}
                replacement: x
            """, LabelSet.Of("v", ""));

        Assert.Equal(LabelSet.Of("v", ""), result);
    }

    [Fact]
    public void Keep_keeps_only_matching_values_and_treats_a_missing_label_as_empty()
    {
        var yaml = """
            relabel_configs:
              - source_labels: [env]
                regex: prod
                action: keep
            """;

        Assert.Same(Pod, Run(yaml, Pod));
        Assert.Null(Run(yaml, LabelSet.Of("env", "dev")));
        Assert.Null(Run(yaml, LabelSet.Of("other", "prod")));
    }

    [Fact]
    public void Drop_drops_matching_values_and_an_empty_regex_drops_missing_labels()
    {
        var yaml = """
            relabel_configs:
              - source_labels: [env]
                regex: dev|test
                action: drop
            """;

        Assert.Same(Pod, Run(yaml, Pod));
        Assert.Null(Run(yaml, LabelSet.Of("env", "test")));

        var dropMissing = """
            relabel_configs:
              - source_labels: [team]
                regex: ''
                action: drop
            """;
        Assert.Null(Run(dropMissing, Pod));
        Assert.NotNull(Run(dropMissing, LabelSet.Of("team", "a")));
    }

    [Fact]
    public void Keep_without_source_labels_matches_the_regex_against_an_empty_value()
    {
        Assert.NotNull(Run("""
            relabel_configs:
              - action: keep
            """, Pod));
        Assert.Null(Run("""
            relabel_configs:
              - action: keep
                regex: .+
            """, Pod));
    }

    [Fact]
    public void Keepequal_and_dropequal_compare_joined_sources_with_the_target_label()
    {
        var same = LabelSet.Of("__meta_kubernetes_pod_container_port_number", "8080", "__tmp_port", "8080");
        var other = LabelSet.Of("__meta_kubernetes_pod_container_port_number", "9090", "__tmp_port", "8080");
        var keepEqual = """
            relabel_configs:
              - source_labels: [__meta_kubernetes_pod_container_port_number]
                target_label: __tmp_port
                action: keepequal
            """;
        var dropEqual = keepEqual.Replace("keepequal", "dropequal", StringComparison.Ordinal);

        Assert.NotNull(Run(keepEqual, same));
        Assert.Null(Run(keepEqual, other));
        Assert.Null(Run(dropEqual, same));
        Assert.NotNull(Run(dropEqual, other));
    }

    [Fact]
    public void Keepequal_with_several_sources_compares_the_joined_value()
    {
        var yaml = """
            relabel_configs:
              - source_labels: [a, b]
                target_label: c
                action: keepequal
            """;

        Assert.NotNull(Run(yaml, LabelSet.Of("a", "x", "b", "y", "c", "x;y")));
        Assert.Null(Run(yaml, LabelSet.Of("a", "x", "b", "y", "c", "x;z")));
        Assert.NotNull(Run(yaml, LabelSet.Of("a", "", "b", "", "c", ";"))); // both missing: ";"
    }

    [Fact]
    public void Keepequal_treats_a_missing_target_label_as_empty()
    {
        var yaml = """
            relabel_configs:
              - source_labels: [missing]
                target_label: also_missing
                action: keepequal
            """;

        Assert.NotNull(Run(yaml, Pod));
    }

    [Fact]
    public void Labelmap_copies_matching_labels_to_names_built_from_groups_and_keeps_the_originals()
    {
        var result = Run("""
            relabel_configs:
              - action: labelmap
                regex: __meta_kubernetes_pod_label_(.+)
            """, Pod);

        Assert.Equal("web", result!.Get("app"));
        Assert.Equal("1.4.2", result.Get("app_kubernetes_io_version"));
        Assert.Equal("web", result.Get("__meta_kubernetes_pod_label_app"));
        Assert.Equal(Pod.Count + 2, result.Count);
    }

    [Fact]
    public void Labelmap_with_several_groups_and_a_replacement()
    {
        var result = Run("""
            relabel_configs:
              - action: labelmap
                regex: __meta_kubernetes_(pod|namespace)_label_(.+)
                replacement: k8s_${1}_$2
            """, LabelSet.Of("__meta_kubernetes_pod_label_app", "web", "__meta_kubernetes_namespace_label_team", "shop"));

        Assert.Equal("web", result!.Get("k8s_pod_app"));
        Assert.Equal("shop", result.Get("k8s_namespace_team"));
    }

    [Fact]
    public void Labelmap_overwrites_an_existing_label_of_the_new_name()
    {
        var result = Run("""
            relabel_configs:
              - action: labelmap
                regex: __meta_(env)
            """, LabelSet.Of("__meta_env", "staging", "env", "prod"));

        Assert.Equal("staging", result!.Get("env"));
    }

    [Fact]
    public void Labeldrop_removes_labels_whose_whole_name_matches()
    {
        var result = Run("""
            relabel_configs:
              - action: labeldrop
                regex: __meta_kubernetes_pod_label_.+|en
            """, Pod);

        Assert.False(result!.Contains("__meta_kubernetes_pod_label_app"));
        Assert.False(result.Contains("__meta_kubernetes_pod_label_app_kubernetes_io_version"));
        Assert.Equal("prod", result.Get("env")); // "en" does not match "env" as a whole
        Assert.Equal(Pod.Count - 2, result.Count);
    }

    [Fact]
    public void Labelkeep_removes_labels_whose_name_does_not_match()
    {
        var result = Run("""
            relabel_configs:
              - action: labelkeep
                regex: __address__|env
            """, Pod);

        Assert.Equal(LabelSet.Of("__address__", "10.1.2.3:8080", "env", "prod"), result);
    }

    [Fact]
    public void Lowercase_and_uppercase_set_the_target_from_the_joined_sources()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [a, b]
                target_label: lower
                action: lowercase
              - source_labels: [a]
                target_label: upper
                action: Uppercase
            """, LabelSet.Of("a", "MiXed Ünïcode", "b", "B"));

        Assert.Equal("mixed ünïcode;b", result!.Get("lower"));
        Assert.Equal("MIXED ÜNÏCODE", result.Get("upper"));
    }

    [Fact]
    public void Lowercase_of_an_empty_value_deletes_the_target()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [missing]
                target_label: env
                action: lowercase
            """, Pod);

        Assert.False(result!.Contains("env"));
    }

    [Fact]
    public void Rules_apply_in_order_and_the_first_drop_stops_the_list()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [env]
                target_label: __tmp_env
              - source_labels: [__tmp_env]
                regex: prod
                target_label: tier
                replacement: critical
              - action: labeldrop
                regex: __tmp_.*
            """, Pod);

        Assert.Equal("critical", result!.Get("tier"));
        Assert.False(result.Contains("__tmp_env"));

        var rules = Rules("""
            relabel_configs:
              - source_labels: [env]
                action: drop
                regex: prod
              - target_label: never
                replacement: set
            """);
        var builder = new LabelSetBuilder(Pod);
        Assert.False(Relabeler.Process(builder, rules));
        Assert.False(builder.ToLabelSet().Contains("never"));
    }

    [Fact]
    public void Case_insensitive_flag_and_classes_work_as_in_re2()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [v]
                regex: (?i)PROD-(\d+)
                target_label: n
              - source_labels: [v]
                regex: '[[:alpha:]]+-([[:digit:]]+)'
                target_label: posix
              - source_labels: [w]
                regex: \w+
                target_label: ascii_word
                replacement: matched
            """, LabelSet.Of("v", "prod-42", "w", "é"));

        Assert.Equal("42", result!.Get("n"));
        Assert.Equal("42", result.Get("posix"));
        Assert.False(result.Contains("ascii_word")); // Go's \w is ASCII only
    }
}
