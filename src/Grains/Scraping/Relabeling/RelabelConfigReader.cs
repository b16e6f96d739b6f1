using System.Globalization;
using Pipeline.Grains.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>
/// Reads a list of relabel configs written as Prometheus writes them (<c>relabel_configs</c>,
/// <c>metric_relabel_configs</c>, <c>write_relabel_configs</c>) into compiled rules, with Prometheus's
/// defaults and validation; every error names its key path and line
/// ("scrape_configs[0].relabel_configs[2].action (line 14): unknown relabel action 'replce' (expected one of …)").
/// </summary>
internal static class RelabelConfigReader
{
    private static readonly string Actions = string.Join(", ", Enum.GetValues<RelabelAction>().Select(RelabelConfig.ActionName));

    /// <summary>Reads the list under <paramref name="key"/> of <paramref name="parent"/>; errors go to the parent's error list.</summary>
    public static List<RelabelRule> Read(ConfigNode parent, string key, LabelNameValidation validation = LabelNameValidation.Utf8)
    {
        var rules = new List<RelabelRule>();
        foreach (var node in parent.Sections(key))
        {
            if (ReadOne(node, validation) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    /// <summary>
    /// Reads the list under <paramref name="key"/> of a YAML document (a mapping); throws
    /// <see cref="PipelineConfigException"/> with every error.
    /// </summary>
    public static List<RelabelRule> Parse(string yaml, string key = "relabel_configs", LabelNameValidation validation = LabelNameValidation.Utf8, string source = "relabel.yaml")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new PipelineConfigException([$"{source} (line {e.Start.Line}): not valid YAML: {e.InnerException?.Message ?? e.Message}"]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new PipelineConfigException([$"{source} (line 1): expected a mapping with '{key}'"]);
        }

        var errors = new List<string>();
        var rules = Read(new ConfigNode(root, "", errors), key, validation);
        if (errors.Count > 0)
        {
            throw new PipelineConfigException(errors);
        }

        return rules;
    }

    private static RelabelRule? ReadOne(ConfigNode node, LabelNameValidation validation)
    {
        var actionText = node.String("action");
        var valid = true;
        var action = RelabelAction.Replace;
        if (actionText is not null && !RelabelConfig.TryParseAction(actionText, out action))
        {
            node.ValueError("action", $"unknown relabel action '{actionText}' (expected one of {Actions})");
            valid = false;
        }

        IReadOnlyList<string>? sources = null;
        if (node.Has("source_labels"))
        {
            var items = node.ScalarItems("source_labels", splitCommas: false);
            sources = items.Count == 0 ? null : [.. items.Select(i => i.Value)];
        }

        var modulus = 0UL;
        if (node.String("modulus") is { } modulusText &&
            !ulong.TryParse(modulusText, NumberStyles.None, CultureInfo.InvariantCulture, out modulus))
        {
            node.ValueError("modulus", $"'{modulusText}' is not a whole number of at least 0");
            valid = false;
        }

        var regex = node.String("regex");
        var config = new RelabelConfig
        {
            Action = action,
            SourceLabels = sources,
            Separator = node.String("separator") ?? RelabelConfig.DefaultSeparator,

            // "regex:" with no value is YAML null: Prometheus then matches the empty string only.
            Regex = regex is "~" ? "" : regex,
            Modulus = modulus,
            TargetLabel = node.String("target_label") ?? "",
            Replacement = node.String("replacement") ?? RelabelConfig.DefaultReplacement,
        };
        node.RejectUnknownKeys();
        if (!valid)
        {
            return null;
        }

        var problem = config.Validate(validation, out var key);
        if (problem is not null)
        {
            if (key is not null && node.Has(key))
            {
                node.ValueError(key, problem);
            }
            else
            {
                node.Error(problem);
            }

            return null;
        }

        if (!RelabelRule.TryCreate(config, validation, out var rule, out var regexError))
        {
            node.ValueError("regex", regexError ?? "invalid regex");
            return null;
        }

        return rule;
    }
}
