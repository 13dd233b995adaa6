using MedIoT.Alerts.Technical;

namespace MedIoT.Alerts.Tests.Technical;

/// <summary>Issue 17: a sensor wired to the gateway that stops working raises a technical alarm after its persistence, like a serial port.</summary>
public sealed class AttachedSensorTests
{
    private const string Thermometer = "ward7a-bed01-thermometer";

    [Fact]
    public void A_sensor_faulty_for_the_persistence_delay_raises_sensor_fault_until_it_works_again()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Send(new AttachedSensorStatus(Thermometer, Ward.Bed1, Working: false));
        var failedAt = ward.Now;

        ward.Advance(4);
        Assert.Empty(ward.Events);
        ward.Advance(1);

        var raised = Assert.Single(ward.Events);
        Assert.Equal((AlarmCondition.AttachedSensorFault(Thermometer), AlarmCategory.Technical, AlarmPriority.Medium, AlarmChannel.CareTeam),
            (raised.Alarm.Condition, raised.Alarm.Category, raised.Alarm.Priority, raised.Alarm.Channel));
        Assert.Equal(((BedLocation?)Ward.Bed1, Thermometer, failedAt.AddSeconds(5), "sensor-fault/" + Thermometer),
            (raised.Alarm.Bed, raised.Alarm.DeviceId, raised.At, raised.Alarm.Condition.Key));

        // Repeated fault reports neither restart the persistence nor raise again.
        ward.Send(new AttachedSensorStatus(Thermometer, Ward.Bed1, Working: false));
        ward.Advance(10);
        Assert.Single(ward.Events);

        ward.Send(new AttachedSensorStatus(Thermometer, Ward.Bed1, Working: true));

        Assert.Equal(AlarmEventKind.Resolved, ward.Events[^1].Kind);
        Assert.Empty(ward.Engine.ActiveAlarms());
    }

    [Fact]
    public void A_sensor_that_works_again_within_the_persistence_delay_raises_nothing()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        for (var glitch = 0; glitch < 10; glitch++)
        {
            ward.Send(new AttachedSensorStatus(Thermometer, Ward.Bed1, Working: false));
            ward.Advance(4);
            ward.Send(new AttachedSensorStatus(Thermometer, Ward.Bed1, Working: true));
            ward.Advance(1);
        }

        Assert.Empty(ward.Events);
    }

    [Fact]
    public void Each_sensor_has_its_own_alarm()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Send(new AttachedSensorStatus(Thermometer, Ward.Bed1, Working: false));
        ward.Send(new AttachedSensorStatus("ward7a-bed01-scale", Ward.Bed1, Working: false));
        ward.Advance(5);
        ward.Send(new AttachedSensorStatus("ward7a-bed01-scale", Ward.Bed1, Working: true));

        var alarm = Assert.Single(ward.Engine.ActiveAlarms());
        Assert.Equal(AlarmCondition.AttachedSensorFault(Thermometer), alarm.Condition);
    }

    [Fact]
    public void Bad_sensor_reports_are_refused()
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        Assert.Equal(AlarmInputRejection.InvalidDeviceId, ward.Send(new AttachedSensorStatus("", Ward.Bed1, Working: false)));
        Assert.Equal(AlarmInputRejection.InvalidDeviceId, ward.Send(new AttachedSensorStatus("a\u0085b", Ward.Bed1, Working: false)));
        Assert.Equal(AlarmInputRejection.InvalidLocation, ward.Send(new AttachedSensorStatus(Thermometer, default, Working: false)));
        ward.Advance(10);
        Assert.Empty(ward.Events);
    }
}
