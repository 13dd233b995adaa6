namespace MedIoT.Mqtt.Tests;

/// <summary>Topic names and filters (§4.7).</summary>
public sealed class MqttTopicTests
{
    [Theory]
    [InlineData("#")]
    [InlineData("+")]
    [InlineData("ward/+/bed/#")]
    [InlineData("+/+")]
    [InlineData("/")]
    [InlineData("ward//bed")]
    public void Valid_topic_filters_are_accepted(string filter)
    {
        Assert.Equal(filter, new MqttTopicFilter(filter, MqttQualityOfService.AtLeastOnce).Filter);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ward/#/bed")]
    [InlineData("ward#")]
    [InlineData("ward/bed+")]
    [InlineData("ward/++")]
    [InlineData("a\0b")]
    public void Invalid_topic_filters_are_rejected(string filter)
    {
        var exception = Assert.Throws<ArgumentException>(() => new MqttTopicFilter(filter, MqttQualityOfService.AtLeastOnce));
        Assert.Equal("filter", exception.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ward/+/vitals")]
    [InlineData("ward/#")]
    [InlineData("a\0b")]
    public void Invalid_topic_names_are_rejected(string topic)
    {
        var exception = Assert.Throws<ArgumentException>(() => new MqttApplicationMessage(topic, default));
        Assert.Equal("topic", exception.ParamName);
    }

    [Fact]
    public void A_topic_name_with_a_lone_surrogate_is_rejected()
    {
        // Not an InlineData: test discovery would replace the lone surrogate with U+FFFD.
        Assert.Throws<ArgumentException>(() => new MqttApplicationMessage("ward/\uD800", default));
    }

    [Fact]
    public void A_topic_name_of_more_than_65535_bytes_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new MqttApplicationMessage(new string('é', 32_768), default));
        Assert.Equal(65_535, new MqttApplicationMessage(new string('a', 65_535), default).Topic.Length);
    }
}
