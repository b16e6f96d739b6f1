using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Pipeline.Silo;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.Startup;

public sealed class ListenPortCheckTests
{
    [Theory]
    [InlineData(null, null, "http://localhost:5000")]
    [InlineData("http://0.0.0.0:8080", "9090", "http://0.0.0.0:8080")]
    [InlineData(null, "8080", "http://*:8080")]
    [InlineData(null, "8080;8081", "http://*:8080;http://*:8081")]
    public void The_http_addresses_checked_are_those_kestrel_will_listen_on(string? urls, string? httpPorts, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls, ["http_ports"] = httpPorts })
            .Build();

        Assert.Equal(expected, ListenPortCheck.HttpUrls(configuration));
    }

    [Fact]
    public void Endpoints_configured_for_kestrel_itself_are_left_to_it()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Http:Url"] = "http://0.0.0.0:9000" })
            .Build();

        Assert.Null(ListenPortCheck.HttpUrls(configuration));
    }

    [Fact]
    public void A_taken_port_on_any_address_is_found_for_a_wildcard_url()
    {
        using var taken = new TcpListener(IPAddress.Any, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var problem = ListenPortCheck.FirstProblem(LoopbackPort.Free(), LoopbackPort.Free(), $"http://*:{port}");

        Assert.Equal($"HTTP port {port} (http://*:{port}) is already in use by another process; choose another with --urls http://0.0.0.0:<port>", problem);
        Assert.Null(ListenPortCheck.FirstProblem(LoopbackPort.Free(), LoopbackPort.Free(), $"http://127.0.0.1:{LoopbackPort.Free()}"));
        Assert.StartsWith("--urls: 'localhost:8080' is not an HTTP address", ListenPortCheck.FirstProblem(LoopbackPort.Free(), LoopbackPort.Free(), "localhost:8080"), StringComparison.Ordinal);
    }
}
