using System.Globalization;
using Pipeline.Grains.Processing;
using Pipeline.Grains.Processing.Filters;

namespace Pipeline.Grains.Configuration;

/// <summary>Reads <c>logs.parsers</c> and the <c>parser</c> entries of <c>logs.filters</c>.</summary>
internal static class ParserConfigReader
{
    private const string Formats = "json, logfmt or regex";

    /// <summary>The <c>logs.parsers</c> entries, each checked; names must be unique (they may replace a built-in).</summary>
    public static List<ParserDefinition> ReadParsers(List<ConfigNode> nodes)
    {
        var result = new List<ParserDefinition>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var name = node.String("name")?.Trim();
            var format = node.String("format");
            if (string.IsNullOrEmpty(name))
            {
                node.Error("a parser needs a 'name' (how parser filters refer to it)");
            }
            else if (seen.TryGetValue(name, out var line))
            {
                node.Error($"parser '{name}' is already defined (line {line})");
            }
            else
            {
                seen[name] = node.Line;
            }

            if (format is null)
            {
                node.Error($"parser '{name}' needs a 'format' ({Formats})");
            }

            var definition = ReadDefinition(node, name ?? "", format);
            node.RejectUnknownKeys();
            if (definition is not null && !string.IsNullOrEmpty(name))
            {
                result.Add(definition);
            }
        }

        return result;
    }

    /// <summary>A <c>parser</c> filter: named parsers (<c>parser:</c>) or an inline one (<c>format:</c> with its keys).</summary>
    public static ParserFilterOptions? ReadFilter(ConfigNode node, FilterSelector selector, IReadOnlyDictionary<string, ParserDefinition> named)
    {
        var keyText = node.String("key_name", LogEventFields.LogMember)!;
        var names = node.ScalarItems("parser", splitCommas: true);
        var format = node.String("format");
        var preserveKey = node.Bool("preserve_key", false);
        var reserveData = node.Bool("reserve_data", false);
        var mergeKeyText = node.String("merge_log_key");

        var parsers = new List<ParserDefinition>();
        if (format is not null)
        {
            if (names.Count > 0)
            {
                node.Error("give either 'parser' (names of parsers) or 'format' (an inline parser), not both");
            }

            if (ReadDefinition(node, $"inline parser of {node.Path}", format) is { } inline)
            {
                parsers.Add(inline);
            }
        }
        else
        {
            // The inline parser's keys are known, so that using them without 'format' is explained rather than "unknown".
            foreach (var inlineKey in InlineKeys)
            {
                if (node.Has(inlineKey))
                {
                    node.ValueError(inlineKey, $"'{inlineKey}' belongs to an inline parser: add 'format: regex' (or json, logfmt), or put it in a logs.parsers entry");
                }
            }

            foreach (var (name, line) in names)
            {
                if (named.TryGetValue(name, out var parser))
                {
                    parsers.Add(parser);
                }
                else
                {
                    node.Error("parser", line, $"unknown parser '{name}' (expected one of {string.Join(", ", named.Keys.Order(StringComparer.Ordinal))}, or define it under logs.parsers)");
                }
            }

            if (names.Count == 0)
            {
                node.Error($"a parser filter needs 'parser' (a name such as json, logfmt, apache2, nginx, klog) or 'format' ({Formats})");
            }
        }

        var key = FilterConfigReader.Path(node, "key_name", keyText);
        var mergeKey = mergeKeyText is null ? null : FilterConfigReader.Path(node, "merge_log_key", mergeKeyText);
        if (key is null || parsers.Count == 0)
        {
            return null;
        }

        return new ParserFilterOptions
        {
            Selector = selector,
            KeyName = key,
            Parsers = parsers,
            PreserveKey = preserveKey,
            ReserveData = reserveData,
            MergeLogKey = mergeKey,
        };
    }

    private static readonly string[] InlineKeys = ["regex", "time_key", "time_format", "time_keep", "time_offset", "types", "skip_empty_values", "no_bare_keys"];

    private static ParserDefinition? ReadDefinition(ConfigNode node, string name, string? formatText)
    {
        ParserFormat? format = formatText?.Trim().ToLowerInvariant() switch
        {
            null => null,
            "json" => ParserFormat.Json,
            "logfmt" => ParserFormat.Logfmt,
            "regex" => ParserFormat.Regex,
            _ => null,
        };
        if (formatText is not null && format is null)
        {
            node.ValueError("format", $"unknown format '{formatText}' (expected {Formats}; built-in parsers such as apache2 are named with 'parser:')");
        }

        var pattern = node.String("regex");
        var timeKey = node.String("time_key");
        var timeFormatText = node.String("time_format");
        var timeKeep = node.Bool("time_keep", false);
        var timeOffsetText = node.String("time_offset");
        var typeEntries = node.StringMap("types");
        var skipEmpty = node.Bool("skip_empty_values", true);
        var noBareKeys = node.Bool("no_bare_keys", false, "logfmt_no_bare_keys");

        System.Text.RegularExpressions.Regex? regex = null;
        if (format == ParserFormat.Regex)
        {
            if (pattern is null)
            {
                node.Error($"{name}: format regex needs 'regex' (with named groups such as (?<level>\\w+))");
            }
            else if (FilterConfigReader.Regex(node, "regex", null, pattern) is { } compiled)
            {
                regex = compiled;
                if (!compiled.GetGroupNames().Any(g => !int.TryParse(g, out _)))
                {
                    node.ValueError("regex", $"'{pattern}' has no named group: fields come from groups written (?<name>…)");
                }
            }
        }
        else if (pattern is not null && format is not null)
        {
            node.ValueError("regex", $"'regex' is only used by format regex, not {formatText}");
        }

        TimeFormat? timeFormat = null;
        if (timeFormatText is not null)
        {
            if (!TimeFormat.TryParse(timeFormatText, out timeFormat, out var error))
            {
                node.ValueError("time_format", error);
            }
            else if (timeKey is null)
            {
                node.ValueError("time_format", "time_format needs time_key (the member holding the time)");
            }
        }

        var offset = TimeSpan.Zero;
        if (timeOffsetText is not null && !TryParseOffset(timeOffsetText, out offset))
        {
            node.ValueError("time_offset", $"'{timeOffsetText}' is not an offset (write it like +02:00, -0500 or Z)");
        }

        var types = new Dictionary<string, ParserValueType>(StringComparer.Ordinal);
        foreach (var (member, typeText) in typeEntries)
        {
            ParserValueType? type = typeText.Trim().ToLowerInvariant() switch
            {
                "string" => ParserValueType.String,
                "integer" or "int" => ParserValueType.Integer,
                "float" or "double" => ParserValueType.Float,
                "bool" or "boolean" => ParserValueType.Bool,
                "hex" => ParserValueType.Hex,
                _ => null,
            };
            if (type is null)
            {
                node.ValueError("types", $"'{member}: {typeText}': unknown type (expected string, integer, float, bool or hex)");
                continue;
            }

            types[member] = type.Value;
        }

        if (format is null)
        {
            return null;
        }

        return new ParserDefinition
        {
            Name = name,
            Format = format.Value,
            Regex = regex,
            TimeKey = timeKey,
            TimeFormat = timeFormat,
            TimeKeep = timeKeep,
            TimeOffset = offset,
            Types = types,
            SkipEmptyValues = skipEmpty,
            NoBareKeys = noBareKeys,
        };
    }

    private static bool TryParseOffset(string text, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        var t = text.Trim();
        if (t is "Z" or "z" or "UTC" or "0")
        {
            return true;
        }

        if (t.Length < 3 || (t[0] != '+' && t[0] != '-'))
        {
            return false;
        }

        var digits = t[1..].Replace(":", "", StringComparison.Ordinal);
        if (digits.Length is not (2 or 4) || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        var hours = int.Parse(digits[..2], CultureInfo.InvariantCulture);
        var minutes = digits.Length == 4 ? int.Parse(digits[2..], CultureInfo.InvariantCulture) : 0;
        if (hours > 23 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (t[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }
}
