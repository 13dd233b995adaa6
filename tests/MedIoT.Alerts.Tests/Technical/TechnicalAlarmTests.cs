using MedIoT.Alerts.Technical;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Tests.Technical;

public sealed class TechnicalAlarmTests
{
    [Fact]
    public void A_device_that_sends_nothing_for_the_configured_time_raises_device_silent_and_its_next_reading_resolves_it()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Reading(MdcCodes.OxygenSaturation, 97);
        var lastHeard = ward.Now;

        ward.Advance(29);
        Assert.Empty(ward.Events);
        ward.Advance(1);

        var raised = Assert.Single(ward.Events);
        Assert.Equal((AlarmEventKind.Raised, AlarmCategory.Technical, AlarmPriority.Medium), (raised.Kind, raised.Alarm.Category, raised.Alarm.Priority));
        Assert.Equal(AlarmCondition.DeviceSilent("dev-1"), raised.Alarm.Condition);
        Assert.Equal((lastHeard.AddSeconds(30), AlarmChannel.CareTeam), (raised.At, raised.Alarm.Channel));

        ward.Reading(MdcCodes.OxygenSaturation, 97);

        Assert.Equal(AlarmEventKind.Resolved, ward.Events[^1].Kind);
        Assert.Empty(ward.Engine.ActiveAlarms());
    }

    [Fact]
    public void A_device_status_report_also_counts_as_being_heard()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        for (var second = 0; second < 120; second++)
        {
            ward.Status(DeviceStatus.None);
            ward.Advance(1);
        }

        Assert.Empty(ward.Events);
    }

    [Fact]
    public void A_sensor_off_reported_for_the_persistence_delay_raises_a_technical_alarm_that_clears_with_the_flag()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        for (var second = 0; second < 10; second++)
        {
            ward.Status(DeviceStatus.SensorOff | DeviceStatus.AlarmSilenced);
            ward.Advance(1);
        }

        var raised = Assert.Single(ward.Events);
        Assert.Equal(AlarmCondition.DeviceReports("dev-1", DeviceStatus.SensorOff), raised.Alarm.Condition);
        Assert.Equal((AlarmCategory.Technical, AlarmPriority.Medium), (raised.Alarm.Category, raised.Alarm.Priority));

        ward.Status(DeviceStatus.None);

        Assert.Equal(AlarmEventKind.Resolved, ward.Events[^1].Kind);
        Assert.Empty(ward.Engine.ActiveAlarms());
    }

    [Fact]
    public void A_probe_off_for_less_than_the_persistence_delay_raises_nothing()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Status(DeviceStatus.SensorOff);
        ward.Advance(9);
        ward.Status(DeviceStatus.None);
        ward.Advance(20);

        Assert.Empty(ward.Events);
    }

    [Fact]
    public void Low_signal_and_low_battery_are_low_priority_technical_alarms_kept_apart_from_physiological_ones()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        for (var second = 0; second < 31; second++)
        {
            ward.Status(DeviceStatus.LowSignalQuality | DeviceStatus.LowBattery);
            ward.Reading(MdcCodes.NoninvasiveSystolic, 85);
            ward.Advance(1);
        }

        var active = ward.Engine.ActiveAlarms();
        Assert.Equal(4, active.Count);
        Assert.Contains(active, a => a.Condition == AlarmCondition.DeviceReports("dev-1", DeviceStatus.LowSignalQuality) && a.Priority == AlarmPriority.Low);
        Assert.Contains(active, a => a.Condition == AlarmCondition.DeviceReports("dev-1", DeviceStatus.LowBattery) && a.Priority == AlarmPriority.Low);
        // Low signal does not invalidate readings: the physiological alarms (the limit, and NEWS2 for a single 3)
        // are raised beside the technical ones, each in its own category.
        Assert.Equal(
            [AlarmConditionKind.VitalBelowLimit, AlarmConditionKind.News2],
            active.Where(a => a.Category == AlarmCategory.Physiological).Select(a => a.Condition.Kind));
        Assert.All(active.Where(a => a.Category == AlarmCategory.Technical), a => Assert.Null(a.News2Score));
    }

    [Fact]
    public void A_serial_port_disconnected_for_the_persistence_delay_alarms_until_it_reconnects()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Send(new SerialPortStatus("/dev/ttyUSB0", Ward.Bed1, Connected: false));
        ward.Advance(4);
        Assert.Empty(ward.Events);
        ward.Advance(1);

        var raised = Assert.Single(ward.Events);
        Assert.Equal((AlarmCondition.SerialPortDisconnected("/dev/ttyUSB0"), (BedLocation?)Ward.Bed1), (raised.Alarm.Condition, raised.Alarm.Bed));

        ward.Send(new SerialPortStatus("/dev/ttyUSB0", Ward.Bed1, Connected: true));

        Assert.Equal(AlarmEventKind.Resolved, ward.Events[^1].Kind);
    }

    [Fact]
    public void A_serial_port_that_reconnects_quickly_raises_nothing()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Send(new SerialPortStatus("/dev/ttyUSB0", null, Connected: false));
        ward.Advance(3);
        ward.Send(new SerialPortStatus("/dev/ttyUSB0", null, Connected: true));
        ward.Advance(30);

        Assert.Empty(ward.Events);
    }

    [Fact]
    public void The_gateway_backlog_alarms_by_level_with_hysteresis()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        AlarmPriority? Backlog(int pending)
        {
            Assert.Equal(AlarmInputRejection.None, ward.Send(new GatewayBacklogLevel(pending, 1000)));
            return ward.Find(AlarmCondition.GatewayBacklog)?.Priority;
        }

        Assert.Null(Backlog(499));
        Assert.Equal(AlarmPriority.Low, Backlog(500));
        Assert.Equal(AlarmPriority.Medium, Backlog(900));
        Assert.Equal(AlarmPriority.Medium, Backlog(801));
        Assert.Equal(AlarmPriority.Low, Backlog(799));
        Assert.Equal(AlarmPriority.Low, Backlog(401));
        Assert.Null(Backlog(399));

        var alarm = ward.Events[0].Alarm;
        Assert.Equal((null, AlarmCategory.Technical), (alarm.Bed, alarm.Category));
        Assert.Equal(AlarmInputRejection.InvalidValue, ward.Send(new GatewayBacklogLevel(5, 0)));
        Assert.Equal(AlarmInputRejection.InvalidValue, ward.Send(new GatewayBacklogLevel(1001, 1000)));
    }
}
