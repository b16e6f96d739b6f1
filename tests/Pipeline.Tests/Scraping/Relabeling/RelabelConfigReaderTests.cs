using Pipeline.Grains.Scraping.Relabeling;
using Xunit;
using static Pipeline.Tests.Scraping.Relabeling.RelabelYaml;

namespace Pipeline.Tests.Scraping.Relabeling;

/// <summary>Defaults and validation of relabel configs as Prometheus documents them; errors name key and line.</summary>
public sealed class RelabelConfigReaderTests
{
    [Fact]
    public void Defaults_are_replace_semicolon_any_and_dollar_one()
    {
        var rule = Assert.Single(Rules("""
            relabel_configs:
              - target_label: x
            """));

        Assert.Equal(RelabelAction.Replace, rule.Action);
        Assert.Equal(";", rule.Config.Separator);
        Assert.Equal("(.*)", rule.Regex.Pattern);
        Assert.Equal("$1", rule.Config.Replacement);
        Assert.Null(rule.Config.SourceLabels);
        Assert.Equal(0UL, rule.Config.Modulus);
    }

    [Fact]
    public void Every_field_is_read()
    {
        var rule = Assert.Single(Rules("""
            relabel_configs:
              - source_labels: [a, b]
                separator: '|'
                regex: (x)|(y)
                target_label: t
                replacement: ${2}
                action: REPLACE
            """));

        Assert.Equal(["a", "b"], rule.Config.SourceLabels!);
        Assert.Equal("|", rule.Config.Separator);
        Assert.Equal("(x)|(y)", rule.Regex.Pattern);
        Assert.Equal("t", rule.Config.TargetLabel);
        Assert.Equal("${2}", rule.Config.Replacement);
    }

    [Fact]
    public void Unknown_action_names_key_line_and_choices()
    {
        AssertError("""
            relabel_configs:
              - target_label: x
              - source_labels: [a]
                action: replce
            """, "relabel_configs[1].action (line 4): unknown relabel action 'replce'", "expected one of replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase");
    }

    [Fact]
    public void Bad_regex_names_key_and_line()
    {
        AssertError("""
            relabel_configs:
              - source_labels: [a]
                regex: (unclosed
                target_label: x
            """, "relabel_configs[0].regex (line 3): invalid regex '(unclosed'");
    }

    [Theory]
    [InlineData("(?=x)x")]
    [InlineData("(?!x).")]
    [InlineData("(?<=a)b")]
    [InlineData("(a)\\1")]
    [InlineData("(?>a)")]
    public void Regex_features_re2_refuses_are_refused(string regex) =>
        AssertError($"""
            relabel_configs:
              - source_labels: [a]
                regex: '{regex}'
                action: keep
            """, "relabel_configs[0].regex (line 3): invalid regex");

    [Theory]
    [InlineData("replace")]
    [InlineData("hashmod")]
    [InlineData("lowercase")]
    [InlineData("uppercase")]
    [InlineData("keepequal")]
    [InlineData("dropequal")]
    public void Actions_that_write_a_label_require_target_label(string action)
    {
        var modulus = action == "hashmod" ? "\n    modulus: 2" : "";
        AssertError($"""
            relabel_configs:
              - source_labels: [a]
                action: {action}{modulus}
            """, "relabel_configs[0] (line 2): ", $"relabel configuration for {action} action requires 'target_label' value");
    }

    [Fact]
    public void Hashmod_requires_a_non_zero_modulus()
    {
        AssertError("""
            relabel_configs:
              - source_labels: [a]
                target_label: h
                action: hashmod
            """, "relabel_configs[0] (line 2): relabel configuration for hashmod requires non-zero modulus");
        AssertError("""
            relabel_configs:
              - source_labels: [a]
                target_label: h
                action: hashmod
                modulus: -3
            """, "relabel_configs[0].modulus (line 5): '-3' is not a whole number");
    }

    [Fact]
    public void Labeldrop_and_labelkeep_take_only_regex()
    {
        AssertError("""
            relabel_configs:
              - action: labeldrop
                regex: tmp_.*
                source_labels: [a]
            """, "relabel_configs[0]", "labeldrop action requires only 'regex', and no other fields");
        AssertError("""
            relabel_configs:
              - action: labelkeep
                regex: a
                replacement: b
            """, "relabel_configs[0].replacement (line 4): labelkeep action requires only 'regex', and no other fields");
    }

    [Fact]
    public void Keepequal_and_dropequal_take_only_source_labels_and_target_label()
    {
        AssertError("""
            relabel_configs:
              - action: keepequal
                source_labels: [a]
                target_label: b
                regex: (.*)
            """, "relabel_configs[0]", "keepequal action requires only 'source_labels' and 'target_label', and no other fields");
        AssertError("""
            relabel_configs:
              - action: dropequal
                source_labels: [a]
                target_label: b
                separator: ','
            """, "relabel_configs[0]", "dropequal action requires only 'source_labels' and 'target_label'");
    }

    [Fact]
    public void Lowercase_cannot_set_replacement()
    {
        AssertError("""
            relabel_configs:
              - action: lowercase
                source_labels: [a]
                target_label: b
                replacement: x
            """, "relabel_configs[0].replacement (line 5): 'replacement' can not be set for lowercase action");
    }

    [Fact]
    public void Legacy_validation_refuses_target_labels_prometheus_2_refuses()
    {
        var yaml = """
            relabel_configs:
              - source_labels: [a]
                target_label: service.name
            """;

        Assert.Single(Rules(yaml)); // Prometheus 3 (UTF-8 names) takes it
        AssertError(Errors(yaml, LabelNameValidation.Legacy), "relabel_configs[0].target_label (line 3): 'service.name' is invalid 'target_label' for replace action");
        AssertError(Errors("""
            relabel_configs:
              - action: labelmap
                regex: (.*)
                replacement: 'x-$1'
            """, LabelNameValidation.Legacy), "relabel_configs[0].replacement (line 4): 'x-$1' is invalid 'replacement' for labelmap action");
        Assert.Single(Rules("""
            relabel_configs:
              - source_labels: [a]
                regex: (.+)
                target_label: app_${1}_$1
            """, LabelNameValidation.Legacy));
    }

    [Fact]
    public void Unknown_keys_are_reported_with_the_known_ones()
    {
        AssertError("""
            relabel_configs:
              - source_labels: [a]
                target_labels: x
            """, "relabel_configs[0].target_labels (line 3): unknown key 'target_labels'", "target_label");
    }

    [Fact]
    public void All_errors_are_reported_at_once()
    {
        var errors = Errors("""
            relabel_configs:
              - action: nope
              - regex: '['
                target_label: x
              - action: hashmod
                target_label: y
            """);

        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void Null_regex_matches_only_the_empty_value_as_in_prometheus()
    {
        var yaml = """
            relabel_configs:
              - source_labels: [a]
                regex:
                action: keep
            """;

        Assert.NotNull(Run(yaml, LabelSet.Of("b", "1")));
        Assert.Null(Run(yaml, LabelSet.Of("a", "1")));
    }

    [Fact]
    public void Explicit_empty_separator_joins_without_one()
    {
        var result = Run("""
            relabel_configs:
              - source_labels: [a, b]
                separator: ''
                target_label: ab
            """, LabelSet.Of("a", "x", "b", "y"));

        Assert.Equal("xy", result!.Get("ab"));
    }

    [Fact]
    public void Config_objects_validate_without_yaml()
    {
        Assert.Null(new RelabelConfig { TargetLabel = "x" }.Validate());
        Assert.Equal("relabel configuration for replace action requires 'target_label' value", new RelabelConfig().Validate());
        Assert.Throws<ArgumentException>(() => new RelabelRule(new RelabelConfig { Action = RelabelAction.HashMod, TargetLabel = "x" }));
        Assert.Throws<ArgumentException>(() => new RelabelRule(new RelabelConfig { Action = RelabelAction.Keep, Regex = "(" }));
    }

    [Fact]
    public void Nested_lists_name_their_full_path_in_errors()
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader("""
            scrape_configs:
              - job_name: pods
                metric_relabel_configs:
                  - source_labels: [__name__]
                    regex: go_.*
                    action: drop
                  - action: labelmap
                    regex: '(?<=x)'
            """));
        var errors = new List<string>();
        var root = new Pipeline.Grains.Configuration.ConfigNode((YamlDotNet.RepresentationModel.YamlMappingNode)stream.Documents[0].RootNode, "", errors);
        var job = Assert.Single(root.Sections("scrape_configs"));
        job.String("job_name");

        var rules = RelabelConfigReader.Read(job, "metric_relabel_configs");

        Assert.Single(rules);
        AssertError(errors, "scrape_configs[0].metric_relabel_configs[1].regex (line 8): invalid regex '(?<=x)'", "lookaround");
    }
}
