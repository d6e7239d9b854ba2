"""Japanese chat assistant for subsidy guidelines (補助金の公募要領)."""
