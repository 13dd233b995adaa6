namespace MedIoT.Mqtt.Tests;

public sealed class MqttClientOptionsTests
{
    [Fact]
    public void Defaults_are_valid_once_a_client_id_is_set()
    {
        var options = new MqttClientOptions { TimeProvider = TimeProvider.System, ClientId = "gateway" };

        options.Validate();

        Assert.Equal(TimeSpan.FromSeconds(30), options.KeepAlive);
        Assert.Equal(1883, options.Port);
        Assert.Equal(100, options.MaximumInFlightPublishes);
    }

    [Theory]
    [InlineData(nameof(MqttClientOptions.ClientId))]
    [InlineData(nameof(MqttClientOptions.Port))]
    [InlineData(nameof(MqttClientOptions.KeepAlive))]
    [InlineData(nameof(MqttClientOptions.Password))]
    [InlineData(nameof(MqttClientOptions.MaximumInFlightPublishes))]
    [InlineData(nameof(MqttClientOptions.ReceiveBufferCapacity))]
    [InlineData(nameof(MqttClientOptions.MaximumIncomingPacketSize))]
    public void An_invalid_setting_is_named_in_the_exception(string property)
    {
        var options = new MqttClientOptions { TimeProvider = TimeProvider.System, ClientId = "gateway" };
        switch (property)
        {
            case nameof(MqttClientOptions.ClientId): options.ClientId = string.Empty; break;
            case nameof(MqttClientOptions.Port): options.Port = 0; break;
            case nameof(MqttClientOptions.KeepAlive): options.KeepAlive = TimeSpan.FromMilliseconds(1500); break;
            case nameof(MqttClientOptions.Password): options.Password = "secret"; break;
            case nameof(MqttClientOptions.MaximumInFlightPublishes): options.MaximumInFlightPublishes = 65_536; break;
            case nameof(MqttClientOptions.ReceiveBufferCapacity): options.ReceiveBufferCapacity = 0; break;
            default: options.MaximumIncomingPacketSize = 1; break;
        }

        var exception = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(property, exception.ParamName);
        Assert.Contains(property, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_client_validates_its_options_when_created()
    {
        Assert.Throws<ArgumentException>(() => new MqttClient(new MqttClientOptions { TimeProvider = TimeProvider.System }));
    }

    [Fact]
    public async Task Misuse_throws_at_once()
    {
        await using var client = new MqttClient(new MqttClientOptions { TimeProvider = TimeProvider.System, ClientId = "unused" });

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => client.PublishAsync(new MqttApplicationMessage("t", default), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => client.PublishAsync(new MqttApplicationMessage("t", default, MqttQualityOfService.ExactlyOnce), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => client.SubscribeAsync([new MqttTopicFilter("t", MqttQualityOfService.ExactlyOnce)], CancellationToken.None));
    }
}
