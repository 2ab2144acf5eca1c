package io.wsboot.sample;

import io.wsboot.WebSocketOpenEvent;

import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs the example's open logic on {@link WebSocketOpenEvent}, which is published when
 * the built-in handshake decides (profile {@code default-handshake}).
 *
 * @since 0.1.0
 */
@Component
@Profile(SampleApplication.DEFAULT_HANDSHAKE_PROFILE)
class DefaultHandshakeOpenListener {

	private final HelloListener helloListener;

	DefaultHandshakeOpenListener(HelloListener helloListener) {
		this.helloListener = helloListener;
	}

	@EventListener
	void onOpen(WebSocketOpenEvent event) {
		this.helloListener.open(event.getFd());
	}

}
