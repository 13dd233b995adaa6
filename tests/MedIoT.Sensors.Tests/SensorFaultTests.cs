namespace MedIoT.Sensors.Tests;

public sealed class SensorFaultTests
{
    [Fact]
    public void None_is_the_default_so_an_unset_fault_means_a_good_reading() => Assert.Equal(SensorFault.None, default(SensorFault));
}
