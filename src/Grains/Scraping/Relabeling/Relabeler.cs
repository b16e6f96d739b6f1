namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>Runs a list of relabel rules in order, as Prometheus does: the first rule that drops stops the list.</summary>
public static class Relabeler
{
    /// <summary>Applies <paramref name="rules"/> to <paramref name="labels"/> in place; false when a rule dropped it.</summary>
    public static bool Process(LabelSetBuilder labels, IReadOnlyList<RelabelRule> rules)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            if (!rules[i].Apply(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Applies <paramref name="rules"/> to <paramref name="labels"/>; <paramref name="result"/> is the relabeled
    /// set (the same instance when nothing changed), or empty when a rule dropped it.
    /// </summary>
    public static bool Process(LabelSet labels, IReadOnlyList<RelabelRule> rules, out LabelSet result)
    {
        var builder = new LabelSetBuilder(labels);
        if (!Process(builder, rules))
        {
            result = LabelSet.Empty;
            return false;
        }

        result = builder.ToLabelSet();
        return true;
    }
}
