using Pipeline.Silo;
using Xunit;

namespace Pipeline.Tests.Startup;

public sealed class SiloCommandLineTests
{
    [Fact]
    public void The_silos_own_options_and_the_host_settings_are_taken_apart()
    {
        var command = SiloCommandLine.Parse(["--config", "/etc/p.yaml", "--demo", "--silo-port=22222", "--gateway-port", "30001", "--urls", "http://0.0.0.0:8080", "--Logging:LogLevel:Default", "Debug"]);

        Assert.Null(command.Error);
        Assert.Equal("/etc/p.yaml", command.ConfigPath);
        Assert.True(command.Demo);
        Assert.Equal((22222, 30001), (command.SiloPort, command.GatewayPort));
        Assert.Equal("http://0.0.0.0:8080", command.Urls);
        Assert.Equal(["--urls", "http://0.0.0.0:8080", "--Logging:LogLevel:Default", "Debug"], command.HostArgs);
    }

    [Theory]
    [InlineData("--confg", "unknown option '--confg' (did you mean --config?)")]
    [InlineData("--silo-prot", "unknown option '--silo-prot' (did you mean --silo-port?)")]
    [InlineData("--url", "unknown option '--url' (did you mean --urls?)")]
    [InlineData("--verbose", "unknown option '--verbose' (expected one of --config, --demo, --silo-port, --gateway-port, --urls, --help)")]
    [InlineData("pipeline.yaml", "unexpected argument 'pipeline.yaml': options start with -- (the pipeline file is given with --config pipeline.yaml)")]
    public void A_mistyped_option_is_an_error_that_says_what_was_meant(string arg, string error)
    {
        var command = SiloCommandLine.Parse([arg, "x.yaml"]);

        Assert.Equal(error, command.Error);
    }

    [Theory]
    [InlineData(new[] { "--config" }, "--config needs a value")]
    [InlineData(new[] { "--config", "--demo" }, "--config needs a value")]
    [InlineData(new[] { "--silo-port", "eleven" }, "--silo-port: 'eleven' is not a port number (1 to 65535)")]
    [InlineData(new[] { "--gateway-port=70000" }, "--gateway-port: '70000' is not a port number (1 to 65535)")]
    public void A_missing_or_bad_value_is_an_error(string[] args, string error) =>
        Assert.Equal(error, SiloCommandLine.Parse(args).Error);

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_is_asked_for_whatever_else_is_given(string flag)
    {
        var command = SiloCommandLine.Parse(["--config", "p.yaml", flag]);

        Assert.True(command.Help);
        Assert.Null(command.Error);
        Assert.Contains("--silo-port <n>", SiloCommandLine.Usage, StringComparison.Ordinal);
    }
}
