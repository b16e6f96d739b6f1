using System.Net;
using System.Net.Sockets;
using Pipeline.Silo;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Startup;

/// <summary>
/// The silo executable given what a newcomer types: a mistyped option, <c>--help</c>, a broken file, a taken port.
/// Each ends at once with one clear line and a documented exit status, never an unhandled exception or a silo on defaults.
/// </summary>
public sealed class StartupErrorTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Help_prints_the_usage_and_exits_zero_without_starting_a_silo()
    {
        await using var silo = SiloCommand.Start("--help");

        Assert.Equal(0, await silo.ExitCodeAsync(Deadline));
        Assert.Equal(SiloCommandLine.Usage.ReplaceLineEndings(), silo.StandardOutput);
        Assert.DoesNotContain("Application started", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistyped_option_fails_with_the_usage_instead_of_starting_on_defaults()
    {
        using var dir = new TempDirectory();
        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, $"data_dir: {dir.Combine("data")}\n");

        await using var silo = SiloCommand.Start("--confg", config, "--urls", $"http://127.0.0.1:{LoopbackPort.Free()}");

        Assert.Equal(SiloExitCodes.BadConfiguration, await silo.ExitCodeAsync(Deadline));
        Assert.StartsWith("error: unknown option '--confg' (did you mean --config?)", silo.Output, StringComparison.Ordinal);
        Assert.Contains("usage: Pipeline.Silo", silo.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Combine("data")));
    }

    [Fact]
    public async Task An_unclosed_bracket_names_the_file_and_line_and_exits_cleanly()
    {
        using var dir = new TempDirectory();
        var config = dir.Combine("pipeline.yaml");
        File.WriteAllText(config, "logs:\n  inputs:\n    - type: tail\n      paths: [\"/var/log/containers/*.log\"\n      read_from_head: true\n");

        await using var silo = SiloCommand.Start("--config", config);

        Assert.Equal(SiloExitCodes.BadConfiguration, await silo.ExitCodeAsync(Deadline));
        Assert.Contains($"{config} (line 4): not valid YAML: the '[' opened here is never closed", silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_silo_port_is_one_line_naming_the_port_and_the_option()
    {
        using var taken = Listen(IPAddress.Any);
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var silo = SiloCommand.Start(
            "--silo-port", $"{port}", "--gateway-port", $"{LoopbackPort.Free()}", "--urls", $"http://127.0.0.1:{LoopbackPort.Free()}");

        Assert.Equal(SiloExitCodes.AddressUnavailable, await silo.ExitCodeAsync(Deadline));
        Assert.Equal(
            $"error: silo port {port} (127.0.0.1:{port}) is already in use by another process; choose another with --silo-port <n>",
            silo.Output.Trim());
    }

    [Fact]
    public async Task A_taken_http_port_is_one_line_naming_the_port_and_the_option()
    {
        using var taken = Listen(IPAddress.Loopback);
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var silo = SiloCommand.Start(
            "--silo-port", $"{LoopbackPort.Free()}", "--gateway-port", $"{LoopbackPort.Free()}", "--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(SiloExitCodes.AddressUnavailable, await silo.ExitCodeAsync(Deadline));
        Assert.Equal(
            $"error: HTTP port {port} (http://127.0.0.1:{port}) is already in use by another process; choose another with --urls http://127.0.0.1:<port>",
            silo.Output.Trim());
    }

    private static TcpListener Listen(IPAddress address)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        return listener;
    }
}
