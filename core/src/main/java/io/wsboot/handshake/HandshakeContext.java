package io.wsboot.handshake;

import java.util.ArrayList;
import java.util.List;

import io.wsboot.connection.CallbackContext;

/**
 * What a handshake leaves for its connection: the tasks given to
 * {@code WebSocketServer.defer} while the interceptor ran.
 */
final class HandshakeContext implements CallbackContext.Target {

	private List<Runnable> deferred = List.of();

	@Override
	public void defer(Runnable task) {
		if (this.deferred.isEmpty()) {
			this.deferred = new ArrayList<>(2);
		}
		this.deferred.add(task);
	}

	List<Runnable> established() {
		List<Runnable> tasks = this.deferred;
		this.deferred = List.of();
		return tasks;
	}

}
