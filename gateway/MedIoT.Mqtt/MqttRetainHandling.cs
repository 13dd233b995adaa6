namespace MedIoT.Mqtt;

/// <summary>When the broker sends retained messages for a subscription (MQTT 5.0 §3.8.3.1, Retain Handling).</summary>
public enum MqttRetainHandling : byte
{
    /// <summary>0: send retained messages whenever the subscription is made (the MQTT 3.1.1 behaviour).</summary>
    SendAtSubscribe = 0,

    /// <summary>1: send them only if the subscription did not exist yet.</summary>
    SendAtNewSubscription = 1,

    /// <summary>2: never send retained messages at subscribe.</summary>
    DoNotSend = 2,
}
