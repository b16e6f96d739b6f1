using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Grains.Configuration;

/// <summary>
/// A YAML mapping being read into options. It knows its key path and line so every error
/// names both, and it remembers which keys were read so unknown keys can be reported
/// ("logs.inputs[0]: unknown key 'pathz' (line 4; expected one of …)").
/// </summary>
internal sealed class ConfigNode
{
    private readonly YamlMappingNode _node;
    private readonly List<string> _errors;
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);

    public ConfigNode(YamlMappingNode node, string path, List<string> errors)
    {
        _node = node;
        Path = path;
        _errors = errors;
    }

    public string Path { get; }

    public int Line => (int)_node.Start.Line;

    public void Error(string message) => _errors.Add($"{Path} (line {Line}): {message}");

    private string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    private YamlNode? Find(string key, params string[] aliases)
    {
        _known.Add(key);
        foreach (var alias in aliases)
        {
            _known.Add(alias);
        }

        foreach (var (k, v) in _node.Children)
        {
            if (k is YamlScalarNode { Value: { } name } &&
                (string.Equals(name, key, StringComparison.OrdinalIgnoreCase) || aliases.Any(a => string.Equals(name, a, StringComparison.OrdinalIgnoreCase))))
            {
                return v;
            }
        }

        return null;
    }

    private void ValueError(string key, YamlNode node, string message) =>
        _errors.Add($"{KeyPath(key)} (line {node.Start.Line}): {message}");

    public string? String(string key, string? fallback = null, params string[] aliases)
    {
        var node = Find(key, aliases);
        if (node is null)
        {
            return fallback;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value;
        }

        ValueError(key, node, "expected a single value");
        return fallback;
    }

    public bool Bool(string key, bool fallback, params string[] aliases)
    {
        var node = Find(key, aliases);
        if (node is null)
        {
            return fallback;
        }

        var text = (node as YamlScalarNode)?.Value?.Trim().ToLowerInvariant();
        switch (text)
        {
            case "true" or "on" or "yes":
                return true;
            case "false" or "off" or "no":
                return false;
            default:
                ValueError(key, node, $"'{text}' is not a boolean (expected true or false)");
                return fallback;
        }
    }

    public int Int(string key, int fallback, int min, int max, params string[] aliases)
    {
        var node = Find(key, aliases);
        if (node is null)
        {
            return fallback;
        }

        var text = (node as YamlScalarNode)?.Value;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            ValueError(key, node, $"'{text}' is not a whole number from {min} to {max}");
            return fallback;
        }

        return value;
    }

    /// <summary>A size such as <c>64MiB</c>, <c>5M</c> (fluent-bit style), <c>512k</c> or a plain byte count.</summary>
    public long Size(string key, long fallback, long min, params string[] aliases) =>
        Parsed(key, fallback, aliases, (string? text, out long value) => ConfigValues.TryParseSize(text, out value) && value >= min,
            $"is not a size of at least {min} bytes (write it like 64MiB, 5M, 512KB or 1048576)");

    /// <summary>A duration such as <c>10s</c>, <c>500ms</c>, <c>1m</c>, <c>1h</c>, or a plain number of seconds (fluent-bit style).</summary>
    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan min, params string[] aliases) =>
        Parsed(key, fallback, aliases, (string? text, out TimeSpan value) => ConfigValues.TryParseDuration(text, out value) && value >= min,
            $"is not a duration of at least {min.TotalSeconds}s (write it like 10s, 500ms, 5m or a number of seconds)");

    private delegate bool TryParse<T>(string? text, out T value);

    private T Parsed<T>(string key, T fallback, string[] aliases, TryParse<T> tryParse, string problem)
    {
        var node = Find(key, aliases);
        if (node is null)
        {
            return fallback;
        }

        var text = (node as YamlScalarNode)?.Value;
        if (!tryParse(text, out var value))
        {
            ValueError(key, node, $"'{text}' {problem}");
            return fallback;
        }

        return value;
    }

    /// <summary>A list of strings, written as a YAML sequence or (fluent-bit style) one comma-separated string.</summary>
    public List<string> StringList(string key, params string[] aliases)
    {
        var node = Find(key, aliases);
        var result = new List<string>();
        switch (node)
        {
            case null:
                break;
            case YamlScalarNode { Value: { } text }:
                result.AddRange(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                break;
            case YamlSequenceNode sequence:
                AddScalars(key, sequence, result, "expected a list of strings");
                break;
            default:
                ValueError(key, node, "expected a list of strings");
                break;
        }

        return result;
    }

    /// <summary>The scalar items of a sequence (an empty one as ""); any other item is reported with <paramref name="problem"/>.</summary>
    private void AddScalars(string key, YamlSequenceNode sequence, List<string> into, string problem)
    {
        foreach (var item in sequence)
        {
            if (item is YamlScalarNode { Value: var value })
            {
                into.Add(value ?? string.Empty);
            }
            else
            {
                ValueError(key, item, problem);
            }
        }
    }

    /// <summary>A number such as <c>0.5</c> or <c>1000</c>, from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public double Double(string key, double fallback, double min, double max, params string[] aliases) =>
        Parsed(key, fallback, aliases,
            (string? text, out double value) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value >= min && value <= max,
            $"is not a number from {min} to {max}");

    /// <summary>
    /// A mapping of names to text values, in file order (<c>set: {env: prod, team: shop}</c>); a
    /// value that is not a single scalar is reported.
    /// </summary>
    public List<KeyValuePair<string, string>> StringMap(string key, params string[] aliases)
    {
        var node = Find(key, aliases);
        var result = new List<KeyValuePair<string, string>>();
        switch (node)
        {
            case null or YamlScalarNode { Value: null or "" or "~" }:
                break;
            case YamlMappingNode mapping:
                foreach (var (k, v) in mapping.Children)
                {
                    var name = (k as YamlScalarNode)?.Value;
                    if (name is null || v is not YamlScalarNode { Value: var value })
                    {
                        ValueError(key, v, "expected name: value pairs with single values");
                        continue;
                    }

                    result.Add(new(name, value ?? string.Empty));
                }

                break;
            default:
                ValueError(key, node, "expected a mapping of names to values");
                break;
        }

        return result;
    }

    /// <summary>
    /// A mapping of names to lists of text values, in file order (Prometheus's <c>params: {module: [if_mib]}</c>);
    /// a single value stands for a list of one.
    /// </summary>
    public List<KeyValuePair<string, List<string>>> StringListMap(string key)
    {
        var node = Find(key);
        var result = new List<KeyValuePair<string, List<string>>>();
        switch (node)
        {
            case null or YamlScalarNode { Value: null or "" or "~" }:
                break;
            case YamlMappingNode mapping:
                foreach (var (k, v) in mapping.Children)
                {
                    var name = (k as YamlScalarNode)?.Value;
                    var values = new List<string>();
                    switch (v)
                    {
                        case YamlScalarNode { Value: var single }:
                            values.Add(single ?? string.Empty);
                            break;
                        case YamlSequenceNode sequence:
                            AddScalars(key, sequence, values, "expected a list of single values");
                            break;
                        default:
                            ValueError(key, v, "expected name: [values] pairs");
                            continue;
                    }

                    if (name is null)
                    {
                        ValueError(key, k, "expected a name");
                        continue;
                    }

                    result.Add(new(name, values));
                }

                break;
            default:
                ValueError(key, node, "expected a mapping of names to lists of values");
                break;
        }

        return result;
    }

    /// <summary>Whether the mapping has <paramref name="key"/> (or an alias); the key counts as known.</summary>
    public bool Has(string key, params string[] aliases) => Find(key, aliases) is not null;

    /// <summary>Names of this mapping's keys in file order, for rules that apply in the order they are written.</summary>
    public List<string> KeysInOrder()
    {
        var names = new List<string>(_node.Children.Count);
        foreach (var (k, _) in _node.Children)
        {
            names.Add((k as YamlScalarNode)?.Value ?? k.ToString());
        }

        return names;
    }

    /// <summary>
    /// Text values with their lines, from a YAML sequence or one scalar. A scalar is split at commas
    /// only when <paramref name="splitCommas"/> is set: regular expressions keep theirs.
    /// </summary>
    public List<(string Value, int Line)> ScalarItems(string key, bool splitCommas, params string[] aliases)
    {
        var node = Find(key, aliases);
        var result = new List<(string, int)>();
        switch (node)
        {
            case null or YamlScalarNode { Value: null or "" or "~" }:
                break;
            case YamlScalarNode { Value: { } text } scalar:
                var line = (int)scalar.Start.Line;
                if (splitCommas)
                {
                    foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        result.Add((part, line));
                    }
                }
                else
                {
                    result.Add((text, line));
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence)
                {
                    if (item is YamlScalarNode { Value: { } value })
                    {
                        result.Add((value, (int)item.Start.Line));
                    }
                    else
                    {
                        ValueError(key, item, "expected a list of single values");
                    }
                }

                break;
            default:
                ValueError(key, node, "expected a value or a list of values");
                break;
        }

        return result;
    }

    /// <summary>
    /// Name/value pairs with their lines, in file order: a mapping (<c>rename: {msg: message}</c>) or,
    /// as fluent-bit writes them, <c>"NAME VALUE"</c> strings (one, or a list), split at the first space.
    /// </summary>
    public List<(string Name, string Value, int Line)> Pairs(string key, params string[] aliases)
    {
        var node = Find(key, aliases);
        var result = new List<(string, string, int)>();
        switch (node)
        {
            case null or YamlScalarNode { Value: null or "" or "~" }:
                break;
            case YamlMappingNode mapping:
                foreach (var (k, v) in mapping.Children)
                {
                    if (k is YamlScalarNode { Value: { } name } && v is YamlScalarNode { Value: var value })
                    {
                        result.Add((name, value ?? string.Empty, (int)k.Start.Line));
                    }
                    else
                    {
                        ValueError(key, v, "expected name: value pairs with single values");
                    }
                }

                break;
            case YamlScalarNode scalar:
                AddPair(key, scalar, result);
                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence)
                {
                    if (item is YamlScalarNode itemScalar)
                    {
                        AddPair(key, itemScalar, result);
                    }
                    else
                    {
                        ValueError(key, item, "expected \"NAME VALUE\" strings");
                    }
                }

                break;
            default:
                ValueError(key, node, "expected a mapping of names to values or \"NAME VALUE\" strings");
                break;
        }

        return result;
    }

    private void AddPair(string key, YamlScalarNode scalar, List<(string, string, int)> result)
    {
        var text = scalar.Value?.Trim() ?? "";
        var space = text.IndexOfAny([' ', '\t']);
        if (space <= 0)
        {
            ValueError(key, scalar, $"'{text}' is not a \"NAME VALUE\" pair");
            return;
        }

        result.Add((text[..space], text[(space + 1)..].TrimStart(), (int)scalar.Start.Line));
    }

    /// <summary>Reports a problem found in the value of <paramref name="key"/> at a given line (an item of a list, a pair of a mapping).</summary>
    public void Error(string key, int line, string message) => _errors.Add($"{KeyPath(key)} (line {line}): {message}");

    /// <summary>Reports a problem with the value of <paramref name="key"/> (which must have been read), naming its line.</summary>
    public void ValueError(string key, string message)
    {
        var node = Find(key);
        _errors.Add($"{KeyPath(key)} (line {(node ?? _node).Start.Line}): {message}");
    }

    public ConfigNode? Section(string key)
    {
        var node = Find(key);
        switch (node)
        {
            case null:
                return null;
            case YamlMappingNode mapping:
                return new ConfigNode(mapping, KeyPath(key), _errors);
            case YamlScalarNode { Value: null or "" or "~" }:
                return null;
            default:
                ValueError(key, node, "expected a mapping of keys to values");
                return null;
        }
    }

    public List<ConfigNode> Sections(string key)
    {
        var node = Find(key);
        var result = new List<ConfigNode>();
        switch (node)
        {
            case null or YamlScalarNode { Value: null or "" or "~" }:
                break;
            case YamlSequenceNode sequence:
                var i = 0;
                foreach (var item in sequence)
                {
                    if (item is YamlMappingNode mapping)
                    {
                        result.Add(new ConfigNode(mapping, $"{KeyPath(key)}[{i}]", _errors));
                    }
                    else
                    {
                        _errors.Add($"{KeyPath(key)}[{i}] (line {item.Start.Line}): expected a mapping of keys to values");
                    }

                    i++;
                }

                break;
            default:
                ValueError(key, node, "expected a list");
                break;
        }

        return result;
    }

    /// <summary>Reports every key of this mapping that no reader asked for. Call after reading all keys.</summary>
    public void RejectUnknownKeys()
    {
        foreach (var (k, _) in _node.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? k.ToString();
            if (!_known.Contains(name))
            {
                var expected = string.Join(", ", _known.Order(StringComparer.Ordinal));
                _errors.Add($"{KeyPath(name)} (line {k.Start.Line}): unknown key '{name}' (expected one of {expected})");
            }
        }
    }
}
