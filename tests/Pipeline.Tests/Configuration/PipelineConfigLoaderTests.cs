using Pipeline.Grains.Configuration;
using Xunit;

namespace Pipeline.Tests.Configuration;

public sealed class PipelineConfigLoaderTests
{
    [Fact]
    public void The_documented_minimal_file_works_as_written()
    {
        var config = PipelineConfigLoader.Parse("""
            data_dir: /var/lib/pipeline
            logs:
              inputs:
                - type: tail
                  paths: ["/var/log/containers/*.log"]
                  read_from_head: true
              outputs:
                - type: embedded
            """);

        Assert.Equal("/var/lib/pipeline", config.DataDir);
        var input = Assert.Single(config.Logs.Inputs);
        Assert.Equal(["/var/log/containers/*.log"], input.Paths);
        Assert.True(input.ReadFromHead);
        Assert.False(input.ExitOnEof);
        Assert.Equal(TailInputConfig.DefaultMemBufLimit, input.MemBufLimit);
        Assert.Equal(LogOutputType.Embedded, Assert.Single(config.Logs.Outputs).Type);
    }

    [Fact]
    public void Fluent_bit_spellings_of_sizes_durations_and_lists_are_accepted()
    {
        var config = PipelineConfigLoader.Parse("""
            logs:
              batch_size: 1MiB
              flush_interval: 500ms
              inputs:
                - type: tail
                  path: /a/*.log, /b/*.log
                  exclude_path: /a/skip*.log
                  refresh_interval: 2
                  rotate_wait: 1m30s
                  buffer_max_size: 32k
                  mem_buf_limit: 5M
                  exit_on_eof: on
              outputs:
                - type: "null"
            """);

        var input = Assert.Single(config.Logs.Inputs);
        Assert.Equal(["/a/*.log", "/b/*.log"], input.Paths);
        Assert.Equal(["/a/skip*.log"], input.ExcludePaths);
        Assert.Equal(TimeSpan.FromSeconds(2), input.RefreshInterval);
        Assert.Equal(TimeSpan.FromSeconds(90), input.RotateWait);
        Assert.Equal(32 * 1024, input.MaxLineSize);
        Assert.Equal(5 * 1024 * 1024, input.MemBufLimit);
        Assert.True(input.ExitOnEof);
        Assert.Equal(1024 * 1024, config.Logs.BatchBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.Logs.FlushInterval);
        Assert.Equal(LogOutputType.Null, Assert.Single(config.Logs.Outputs).Type);
    }

    [Fact]
    public void An_unknown_key_fails_naming_the_key_its_path_and_line()
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse("""
            logs:
              inputs:
                - type: tail
                  pathz: ["/x/*.log"]
            """));

        Assert.Contains(e.Errors, m => m.StartsWith("logs.inputs[0].pathz (line 4): unknown key 'pathz'", StringComparison.Ordinal) && m.Contains("paths", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_value_fails_naming_the_key_and_what_is_expected()
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse("""
            logs:
              inputs:
                - type: tail
                  paths: ["/x/*.log"]
                  read_from_head: maybe
                  mem_buf_limit: lots
            """));

        Assert.Contains(e.Errors, m => m.StartsWith("logs.inputs[0].read_from_head (line 5): 'maybe' is not a boolean", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("logs.inputs[0].mem_buf_limit (line 6): 'lots' is not a size", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("logs:\n  outputs:\n    - type: elastic\n", "logs.outputs[0] (line 3): unknown output type 'elastic'")]
    [InlineData("logs:\n  inputs:\n    - type: tail\n", "logs.inputs[0] (line 3): a tail input needs 'paths'")]
    [InlineData("logs:\n  inputs:\n    - type: tail\n      paths: relative/*.log\n", "logs.inputs[0] (line 3): path 'relative/*.log' must be absolute")]
    [InlineData("scrape_config:\n  - job_name: x\n", "scrape_config (line 1): unknown key 'scrape_config'")]
    [InlineData("scrape_configs:\n  - job_name: a\n  - job_name: a\n", "scrape_configs (line 2): two scrape jobs are named 'a'")]
    [InlineData("logs: [1, 2]\n", "logs (line 1): expected a mapping")]
    [InlineData("logs:\n  inputs: {}\n", "logs.inputs (line 2): expected a list")]
    public void Each_kind_of_mistake_is_reported_where_it_is(string yaml, string expected)
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse(yaml));
        Assert.Contains(e.Errors, m => m.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Broken_yaml_is_reported_with_its_line()
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse("logs:\n  inputs:\n    - type: tail\n   paths: [\n"));
        Assert.Contains("not valid YAML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_means_the_defaults()
    {
        var config = PipelineConfigLoader.Parse("");
        Assert.Equal(["/var/log/containers/*.log"], Assert.Single(config.Logs.Inputs).Paths);
        Assert.Equal(LogOutputType.Embedded, Assert.Single(config.Logs.Outputs).Type);
    }

    [Theory]
    [InlineData("64MiB", 64L << 20)]
    [InlineData("5M", 5L << 20)]
    [InlineData("512KB", 512L << 10)]
    [InlineData("1048576", 1048576)]
    [InlineData("1.5G", 3L << 29)]
    public void Sizes_parse(string text, long bytes)
    {
        Assert.True(ConfigValues.TryParseSize(text, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MB")]
    [InlineData("5 parsecs")]
    public void Bad_sizes_do_not_parse(string text) => Assert.False(ConfigValues.TryParseSize(text, out _));
}
