using System.Text.Json;
using Pipeline.Grains.Scraping.Relabeling;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Grains.Discovery;

/// <summary>
/// Prometheus's target group list, as <c>file_sd_configs</c> files and <c>http_sd_configs</c>
/// servers write it: <c>[{"targets": ["host:port", …], "labels": {"name": "value", …}}, …]</c>, in
/// JSON or YAML. A mistake throws <see cref="FormatException"/> saying where.
/// </summary>
internal static class TargetGroupFormat
{
    /// <summary>
    /// Reads a JSON list. Each group gets <paramref name="metaLabel"/> = <paramref name="origin"/> and
    /// the source <c>origin:index</c>. Unknown keys are ignored, as Go's JSON decoder does.
    /// </summary>
    public static List<TargetGroup> ParseJson(ReadOnlySpan<byte> json, string origin, string metaLabel)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not valid JSON (line {(ex.LineNumber ?? 0) + 1}): {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"expected a JSON list of target groups ({{\"targets\": [...], \"labels\": {{...}}}}), found {Kind(root.ValueKind)}");
            }

            var groups = new List<TargetGroup>(root.GetArrayLength());
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"group {index}: expected an object with targets and labels, found {Kind(element.ValueKind)}");
                }

                var targets = new List<string>();
                if (element.TryGetProperty("targets", out var targetsElement) && targetsElement.ValueKind != JsonValueKind.Null)
                {
                    if (targetsElement.ValueKind != JsonValueKind.Array)
                    {
                        throw new FormatException($"group {index}: targets must be a list of \"host:port\" strings");
                    }

                    foreach (var target in targetsElement.EnumerateArray())
                    {
                        targets.Add(target.ValueKind == JsonValueKind.String
                            ? target.GetString()!
                            : throw new FormatException($"group {index}: targets must be a list of \"host:port\" strings, found {Kind(target.ValueKind)}"));
                    }
                }

                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                if (element.TryGetProperty("labels", out var labelsElement) && labelsElement.ValueKind != JsonValueKind.Null)
                {
                    if (labelsElement.ValueKind != JsonValueKind.Object)
                    {
                        throw new FormatException($"group {index}: labels must be an object of names to string values");
                    }

                    foreach (var label in labelsElement.EnumerateObject())
                    {
                        labels[label.Name] = label.Value.ValueKind == JsonValueKind.String
                            ? label.Value.GetString()!
                            : throw new FormatException($"group {index}: label '{label.Name}' must have a string value, found {Kind(label.Value.ValueKind)}");
                    }
                }

                groups.Add(Group(origin, metaLabel, index, targets, labels));
                index++;
            }

            return groups;
        }
    }

    /// <summary>Reads a YAML list (an empty document is no groups). Unknown keys are refused, as Prometheus's strict YAML decoder does.</summary>
    public static List<TargetGroup> ParseYaml(string yaml, string origin, string metaLabel)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new FormatException($"not valid YAML (line {ex.Start.Line}): {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        var groups = new List<TargetGroup>();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" })
        {
            return groups;
        }

        if (stream.Documents[0].RootNode is not YamlSequenceNode sequence)
        {
            throw new FormatException($"line {stream.Documents[0].RootNode.Start.Line}: expected a list of target groups (- targets: [...]\\n  labels: {{...}})");
        }

        var index = 0;
        foreach (var item in sequence)
        {
            if (item is not YamlMappingNode mapping)
            {
                throw new FormatException($"line {item.Start.Line}: group {index}: expected a mapping with targets and labels");
            }

            var targets = new List<string>();
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value;
                switch (key)
                {
                    case "targets":
                        ReadYamlTargets(value, index, targets);
                        break;
                    case "labels":
                        ReadYamlLabels(value, index, labels);
                        break;
                    default:
                        throw new FormatException($"line {keyNode.Start.Line}: group {index}: unknown key '{key}' (expected targets, labels)");
                }
            }

            groups.Add(Group(origin, metaLabel, index, targets, labels));
            index++;
        }

        return groups;
    }

    private static void ReadYamlTargets(YamlNode node, int index, List<string> targets)
    {
        switch (node)
        {
            case YamlScalarNode { Value: null or "" or "~" }:
                return;
            case YamlSequenceNode sequence:
                foreach (var target in sequence)
                {
                    targets.Add(target is YamlScalarNode { Value: { } text }
                        ? text
                        : throw new FormatException($"line {target.Start.Line}: group {index}: targets must be a list of \"host:port\" strings"));
                }

                return;
            default:
                throw new FormatException($"line {node.Start.Line}: group {index}: targets must be a list of \"host:port\" strings");
        }
    }

    private static void ReadYamlLabels(YamlNode node, int index, Dictionary<string, string> labels)
    {
        switch (node)
        {
            case YamlScalarNode { Value: null or "" or "~" }:
                return;
            case YamlMappingNode mapping:
                foreach (var (k, v) in mapping.Children)
                {
                    if (k is not YamlScalarNode { Value: { } name } || v is not YamlScalarNode { Value: var value })
                    {
                        throw new FormatException($"line {k.Start.Line}: group {index}: labels must map names to single values");
                    }

                    labels[name] = value ?? "";
                }

                return;
            default:
                throw new FormatException($"line {node.Start.Line}: group {index}: labels must map names to single values");
        }
    }

    private static TargetGroup Group(string origin, string metaLabel, int index, List<string> targets, Dictionary<string, string> labels)
    {
        foreach (var name in labels.Keys)
        {
            if (!LabelNames.IsValid(name, LabelNameValidation.Utf8))
            {
                throw new FormatException($"group {index}: '{name}' is not a valid label name");
            }
        }

        labels[metaLabel] = origin;
        var entries = new IReadOnlyDictionary<string, string>[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            entries[i] = new Dictionary<string, string>(1, StringComparer.Ordinal) { [RelabelLabels.Address] = targets[i] };
        }

        return new TargetGroup($"{origin}:{index}", labels, entries);
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
