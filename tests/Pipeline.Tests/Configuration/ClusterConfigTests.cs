using System.Net;
using Pipeline.Grains.Configuration;
using Xunit;

namespace Pipeline.Tests.Configuration;

public sealed class ClusterConfigTests
{
    [Fact]
    public void Without_a_cluster_section_the_silo_is_alone_on_localhost()
    {
        var config = PipelineConfigLoader.Parse("node_name: a");

        Assert.Equal(ClusterMembership.Localhost, config.Cluster.Membership);
        Assert.Null(config.Cluster.SiloPort);
        Assert.Equal(("pipeline", "default"), (config.Cluster.ServiceId, config.Cluster.ClusterId));
    }

    [Fact]
    public void A_redis_cluster_is_read_with_its_ids_address_and_ports()
    {
        var config = PipelineConfigLoader.Parse("""
            cluster:
              membership: redis
              connection_string: "redis-0:6379,password=x"
              service_id: logs
              cluster_id: prod
              advertised_address: 10.0.0.7
              silo_port: 11112
              gateway_port: 30001
            """);

        var cluster = config.Cluster;
        Assert.Equal(ClusterMembership.Redis, cluster.Membership);
        Assert.Equal("redis-0:6379,password=x", cluster.ConnectionString);
        Assert.Equal(("logs", "prod"), (cluster.ServiceId, cluster.ClusterId));
        Assert.Equal(IPAddress.Parse("10.0.0.7"), cluster.AdvertisedAddress);
        Assert.Equal((11112, 30001), (cluster.SiloPort, cluster.GatewayPort));
    }

    [Fact]
    public void The_connection_string_may_come_from_an_environment_variable()
    {
        var variable = $"PIPELINE_TEST_CLUSTER_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, "127.0.0.1:6390");
        try
        {
            var config = PipelineConfigLoader.Parse($"""
                cluster:
                  membership: redis
                  connection_string_env: {variable}
                """);

            Assert.Equal("127.0.0.1:6390", config.Cluster.ConnectionString);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Theory]
    [InlineData("cluster:\n  membership: redis\n", "cluster (line 2): cluster.membership redis needs connection_string")]
    [InlineData("cluster:\n  membership: etcd\n", "cluster.membership (line 2): 'etcd' is not a membership (expected localhost or redis)")]
    [InlineData("cluster:\n  membership: postgres\n", "cluster.membership (line 2): 'postgres' membership is not built yet")]
    [InlineData("cluster:\n  membership: redis\n  connection_string_env: PIPELINE_TEST_UNSET_VARIABLE\n", "cluster.connection_string_env (line 3): environment variable 'PIPELINE_TEST_UNSET_VARIABLE' is not set or empty")]
    [InlineData("cluster:\n  advertised_address: node-a\n", "cluster.advertised_address (line 2): 'node-a' is not an IP address")]
    [InlineData("cluster:\n  silo_port: 70000\n", "cluster.silo_port (line 2)")]
    [InlineData("cluster:\n  memberships: redis\n", "cluster.memberships (line 2): unknown key 'memberships'")]
    public void A_bad_cluster_section_fails_saying_what_is_wrong(string yaml, string expected)
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse(yaml));

        Assert.Contains(e.Errors, m => m.StartsWith(expected, StringComparison.Ordinal));
    }
}
