namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>One label of a series or a target: a name and its value (never empty in a <see cref="LabelSet"/>).</summary>
public readonly record struct Label(string Name, string Value)
{
    public override string ToString() => $"{Name}=\"{Value}\"";
}
