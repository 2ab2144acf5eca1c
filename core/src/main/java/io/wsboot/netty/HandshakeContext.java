package io.wsboot.netty;

import java.util.ArrayList;
import java.util.List;

/**
 * What a handshake leaves for its connection: the tasks given to
 * {@code WebSocketServer.defer} while the interceptor ran.
 */
final class HandshakeContext {

	private List<Runnable> deferred = List.of();

	void defer(Runnable task) {
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
