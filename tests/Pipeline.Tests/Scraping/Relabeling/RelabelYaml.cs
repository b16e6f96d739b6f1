using Pipeline.Grains.Configuration;
using Pipeline.Grains.Scraping.Relabeling;
using Xunit;

namespace Pipeline.Tests.Scraping.Relabeling;

/// <summary>Relabel rules read the way users write them, and run on label sets.</summary>
internal static class RelabelYaml
{
    public static List<RelabelRule> Rules(string yaml, LabelNameValidation validation = LabelNameValidation.Utf8) =>
        RelabelConfigReader.Parse(yaml, "relabel_configs", validation);

    /// <summary>The relabeled set, or null when the rules dropped it.</summary>
    public static LabelSet? Run(string yaml, LabelSet labels) =>
        Relabeler.Process(labels, Rules(yaml), out var result) ? result : null;

    public static IReadOnlyList<string> Errors(string yaml, LabelNameValidation validation = LabelNameValidation.Utf8) =>
        Assert.Throws<PipelineConfigException>(() => Rules(yaml, validation)).Errors;

    public static void AssertError(string yaml, string start, params string[] contains) => AssertError(Errors(yaml), start, contains);

    public static void AssertError(IReadOnlyList<string> errors, string start, params string[] contains) =>
        Assert.True(
            errors.Any(e => e.StartsWith(start, StringComparison.Ordinal) && contains.All(c => e.Contains(c, StringComparison.Ordinal))),
            $"expected an error starting with '{start}' containing [{string.Join(", ", contains)}], got:\n{string.Join("\n", errors)}");
}
