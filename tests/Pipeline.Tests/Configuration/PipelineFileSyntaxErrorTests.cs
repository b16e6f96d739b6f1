using Pipeline.Grains.Configuration;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Configuration;

/// <summary>A pipeline file that is not YAML, or not a file, is one error naming the file and the line to fix.</summary>
public sealed class PipelineFileSyntaxErrorTests
{
    [Theory]
    [InlineData("logs:\n  inputs:\n    - type: tail\n      paths: [\"/x/*.log\"\n      read_from_head: true\n", 4, "'[' opened here is never closed")]
    [InlineData("logs:\n  inputs:\n    - type: tail\n      paths: [\"/x/*.log\"\n", 4, "'[' opened here is never closed")]
    [InlineData("logs:\n  inputs:\n    - type: tail\n      paths: {a: b\n", 4, "'{' opened here is never closed")]
    [InlineData("logs:\n  inputs:\n    - {type: tail, paths: [\"/x/*.log\"}\n", 3, "'}' closes the '[' opened on line 3")]
    [InlineData("global:\n  external_labels:\n    cluster: [prod\n    region: eu\nlogs:\n  inputs: []\n", 3, "'[' opened here is never closed")]
    public void An_unclosed_bracket_names_the_line_it_was_opened_on(string yaml, int line, string problem)
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse(yaml, "/etc/pipeline/pipeline.yaml"));

        var error = Assert.Single(e.Errors);
        Assert.StartsWith($"/etc/pipeline/pipeline.yaml (line {line}): not valid YAML: ", error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("logs:\n  inputs:\n    - type: tail\n\t  paths: [\"/x\"]\n", 4)]
    [InlineData("logs:\n\tinputs: []\n", 2)]
    [InlineData("node_name: a\ndata_dir: /d\nlogs:\n  inputs:\n  \t- type: tail\n", 5)]
    public void A_tab_in_the_indentation_is_reported_on_its_own_line(string yaml, int line)
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse(yaml, "p.yaml"));

        Assert.Equal($"p.yaml (line {line}): not valid YAML: a tab in the indentation (YAML indents with spaces only)", Assert.Single(e.Errors));
    }

    [Fact]
    public void Brackets_inside_quotes_comments_block_scalars_and_plain_values_are_not_collections()
    {
        const string yaml = """
            logs:
              parsers:
                - name: app        # [not a list
                  format: regex
                  regex: ^(?<time>[^ ]+) [(?<level>\w+)] (?<message>.*)$
                - name: other
                  format: regex
                  regex: '^\[(?<a>[^\]]*)\] {'
              inputs:
                - type: tail
                  paths: ["/x/[ab]*.log", '/y/{c'
                    ]
            """;

        var config = PipelineConfigLoader.Parse(yaml);

        Assert.Null(YamlSyntaxError.FlowBracketProblem(yaml));
        Assert.Equal(["/x/[ab]*.log", "/y/{c"], Assert.Single(config.Logs.Inputs).Paths);
        Assert.Null(YamlSyntaxError.FlowBracketProblem("a: |\n  [ not a list\nb: '{'\n"));
    }

    [Fact]
    public void A_directory_given_as_the_pipeline_file_is_called_a_directory()
    {
        using var dir = new TempDirectory();

        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.LoadFile(dir.Path));

        var error = Assert.Single(e.Errors);
        Assert.StartsWith($"{dir.Path}: is a directory; --config takes the pipeline file itself", error, StringComparison.Ordinal);
        Assert.DoesNotContain("denied", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_pipeline_file_says_so()
    {
        using var dir = new TempDirectory();

        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.LoadFile(dir.Combine("pipline.yaml")));

        Assert.StartsWith($"{dir.Combine("pipline.yaml")}: no such file", Assert.Single(e.Errors), StringComparison.Ordinal);
    }
}
