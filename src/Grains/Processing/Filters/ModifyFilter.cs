namespace Pipeline.Grains.Processing.Filters;

/// <summary>Changes records by the rules of <see cref="ModifyFilterOptions"/>; never drops one.</summary>
public sealed class ModifyFilter : ILogFilter
{
    private readonly IReadOnlyList<ModifyRule> _rules;
    private readonly List<string> _names = [];

    public ModifyFilter(ModifyFilterOptions options)
    {
        Selector = options.Selector;
        _rules = options.Rules;
    }

    public string Type => ModifyFilterOptions.TypeName;

    public FilterSelector Selector { get; }

    public FilterVerdict Apply(LogEvent record)
    {
        for (var i = 0; i < _rules.Count; i++)
        {
            Apply(_rules[i], record);
        }

        return FilterVerdict.Keep;
    }

    private void Apply(ModifyRule rule, LogEvent record)
    {
        switch (rule.Operation)
        {
            case ModifyOperation.Set:
                Write(record, rule.Key!, rule.Value!);
                break;
            case ModifyOperation.Add:
                if (!record.Exists(rule.Key!))
                {
                    Write(record, rule.Key!, rule.Value!);
                }

                break;
            case ModifyOperation.Remove:
                record.Remove(rule.Key!);
                break;
            case ModifyOperation.RemoveWildcard:
                RemoveTopLevel(record, rule);
                break;
            case ModifyOperation.RemoveRegex:
                RemoveTopLevel(record, rule);
                break;
            case ModifyOperation.Rename or ModifyOperation.HardRename:
                if ((rule.Operation == ModifyOperation.HardRename || !record.Exists(rule.Target!)) && !rule.Key!.Equals(rule.Target)
                    && RecordMembers.Take(record, rule.Key!) is { } moved && !record.Set(rule.Target!, moved))
                {
                    // Only @timestamp refuses a value (not a time): leave the record as it was.
                    record.Set(rule.Key!, moved);
                }

                break;
            case ModifyOperation.Copy or ModifyOperation.HardCopy:
                if ((rule.Operation == ModifyOperation.HardCopy || !record.Exists(rule.Target!))
                    && RecordMembers.Peek(record, rule.Key!) is { } value)
                {
                    record.Set(rule.Target!, value.Parent is null ? value : value.DeepClone());
                }

                break;
        }
    }

    private static void Write(LogEvent record, FieldPath key, RecordTemplate template)
    {
        if (template.Render(record) is { } value)
        {
            record.Set(key, value);
        }
    }

    private void RemoveTopLevel(LogEvent record, ModifyRule rule)
    {
        _names.Clear();
        foreach (var name in record.TopLevelNames())
        {
            if (rule.Operation == ModifyOperation.RemoveWildcard ? MatchesWildcard(rule.Wildcard!, name) : rule.Regex!.IsMatch(name))
            {
                _names.Add(name);
            }
        }

        foreach (var name in _names)
        {
            RecordMembers.RemoveTop(record, name);
        }
    }

    // fluent-bit: "Remove_wildcard Mem" removes Mem.total, Mem.free…: without '*' the pattern is a prefix.
    private static bool MatchesWildcard(string pattern, string name) =>
        pattern.Contains('*', StringComparison.Ordinal) ? Wildcard.Matches(pattern, name) : name.StartsWith(pattern, StringComparison.Ordinal);
}
